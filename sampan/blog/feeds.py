"""RSS 2.0 and Atom feeds, built on Django's syndication framework from one shared base class per kind."""

import copy
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from sampan.core.models import SiteSettings

from . import discussion
from .models import Category, Post, Tag
from .rendering import summary


def _read_only(request: HttpRequest) -> HttpResponse | None:
    """A feed is only ever read: anything but GET or HEAD gets a 405."""
    return None if request.method in ("GET", "HEAD") else HttpResponseNotAllowed(["GET", "HEAD"])


_LOCAL_URL = re.compile(r'(\s(?:href|src|poster|cite)=")(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')


def absolute_urls(html: str, root_url: str) -> str:
    """Site-relative links and images made absolute: a feed reader does not know which site they came from."""

    def srcset(match: re.Match[str]) -> str:
        candidates = [c.strip() for c in match.group(2).split(",")]
        fixed = [root_url + c if c.startswith("/") and not c.startswith("//") else c for c in candidates]
        return f'{match.group(1)}{", ".join(fixed)}"'

    html = _LOCAL_URL.sub(lambda m: f'{m.group(1)}{root_url}{m.group(2)}"', html)
    return _SRCSET.sub(srcset, html)


class ContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full post in <content:encoded>, as WordPress and feed readers expect."""

    def rss_attributes(self) -> dict:
        return {**super().rss_attributes(), "xmlns:content": "http://purl.org/rss/1.0/modules/content/"}

    def add_item_elements(self, handler, item) -> None:  # type: ignore[no-untyped-def]
        super().add_item_elements(handler, item)
        if item.get("content_encoded"):
            handler.addQuickElement("content:encoded", item["content_encoded"])


class ContentAtomFeed(Atom1Feed):
    def add_item_elements(self, handler, item) -> None:  # type: ignore[no-untyped-def]
        super().add_item_elements(handler, item)
        if item.get("content_encoded"):
            handler.addQuickElement("content", item["content_encoded"], {"type": "html"})


class PostFeed(Feed):
    """Latest live posts. Subclasses narrow `posts()` and name what the feed is about."""

    feed_type: type[SyndicationFeed] = ContentRssFeed
    heading = ""

    def __call__(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        # One feed object serves every request (it lives in the URL map): keep per-request state on a copy.
        return _read_only(request) or copy.copy(self)._respond(request, *args, **kwargs)

    def _respond(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.site = SiteSettings.load()
        self.root_url = request.build_absolute_uri("/").rstrip("/")
        return super().__call__(request, *args, **kwargs)

    def title(self, obj: object = None) -> str:
        return f"{self.site.title} » {self.heading_for(obj)}" if obj is not None else self.site.title

    def heading_for(self, obj: object) -> str:
        return str(obj)

    def description(self, obj: object = None) -> str:
        return self.site.tagline

    def link(self, obj: object = None) -> str:
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else reverse("blog:home")

    def posts(self, obj: object) -> QuerySet[Post]:
        return Post.objects.posts().live()

    def items(self, obj: object = None) -> QuerySet[Post]:
        limit = self.site.feed_items or 10
        return self.posts(obj).select_related("author").prefetch_related("categories", "tags")[:limit]

    def item_title(self, item: Post) -> str:
        return item.title or "(no title)"

    def item_description(self, item: Post) -> str:
        if item.password:
            return "This post is password protected."
        return item.excerpt or summary(item.body_html)

    def item_extra_kwargs(self, item: Post) -> dict:
        return {"content_encoded": "" if item.password else absolute_urls(item.body_html, self.root_url)}

    def item_pubdate(self, item: Post) -> datetime:
        return item.published_at

    def item_updateddate(self, item: Post) -> datetime:
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item: Post) -> str:
        return item.author.get_full_name() or item.author.get_username()

    def item_author_link(self, item: Post) -> str:
        return settings.SITE_URL + reverse("blog:author", kwargs={"username": item.author.get_username()})

    def item_guid(self, item: Post) -> str:
        # WordPress's GUID form, stable even if the slug or date changes later.
        return f"{settings.SITE_URL}/?p={item.pk}"

    item_guid_is_permalink = False

    def item_categories(self, item: Post) -> list[str]:
        return [c.name for c in item.categories.all()] + [t.name for t in item.tags.all()]

    def item_comments(self, item: Post) -> str:
        return settings.SITE_URL + item.get_absolute_url() + "#comments"


class LatestPostsFeed(PostFeed):
    pass


class LatestPostsAtomFeed(LatestPostsFeed):
    feed_type = ContentAtomFeed
    subtitle = PostFeed.description


class CategoryFeed(PostFeed):
    def get_object(self, request: HttpRequest, path: str) -> Category:  # type: ignore[override]
        category = get_object_or_404(Category, slug=path.strip("/").rsplit("/", 1)[-1])
        if category.path != path.strip("/"):
            raise Http404("No such category.")
        return category

    def heading_for(self, obj: object) -> str:
        return f"{obj} Category"

    def posts(self, obj: Category) -> QuerySet[Post]:  # type: ignore[override]
        # As on the category's archive page: its child categories' posts belong to it too.
        family = [obj.pk, *obj.descendant_ids()]
        return super().posts(obj).filter(categories__in=family).distinct()


class CategoryAtomFeed(CategoryFeed):
    feed_type = ContentAtomFeed
    subtitle = PostFeed.description


class TagFeed(PostFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:  # type: ignore[override]
        return get_object_or_404(Tag, slug=slug)

    def heading_for(self, obj: object) -> str:
        return f"{obj} Tag"

    def posts(self, obj: Tag) -> QuerySet[Post]:  # type: ignore[override]
        return super().posts(obj).filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = ContentAtomFeed
    subtitle = PostFeed.description


class AuthorFeed(PostFeed):
    def get_object(self, request: HttpRequest, username: str):  # type: ignore[no-untyped-def, override]
        return get_object_or_404(get_user_model(), username=username, is_active=True)

    def heading_for(self, obj) -> str:  # type: ignore[no-untyped-def]
        return f"Posts by {obj.get_full_name() or obj.get_username()}"

    def link(self, obj: Any = None) -> str:
        return reverse("blog:author", kwargs={"username": obj.get_username()})

    def posts(self, obj: Any) -> QuerySet[Post]:
        return super().posts(obj).filter(author=obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = ContentAtomFeed
    subtitle = PostFeed.description


class CommentsFeed(Feed):
    """Latest thoughts (comments, pingbacks) on the whole blog, or on one post with `get_object`."""

    feed_type: type[SyndicationFeed] = ContentRssFeed

    def __call__(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        # One feed object serves every request (it lives in the URL map): keep per-request state on a copy.
        return _read_only(request) or copy.copy(self)._respond(request, *args, **kwargs)

    def _respond(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.site = SiteSettings.load()
        return super().__call__(request, *args, **kwargs)

    def title(self, obj: Post | None = None) -> str:
        if obj is not None:
            return f"Comments on: {obj.title}"
        return f"Comments for {self.site.title}"

    def link(self, obj: Post | None = None) -> str:
        return obj.get_absolute_url() if obj is not None else reverse("blog:home")

    def description(self, obj: Post | None = None) -> str:
        return self.site.tagline

    def items(self, obj: Post | None = None) -> list[discussion.Thought]:
        # Whatever the comments app hands over, talk about a draft, private or protected post stays private.
        thoughts = discussion.latest(limit=self.site.feed_items or 10, post=obj)
        return [t for t in thoughts if t.post.is_live and not t.post.password]

    def item_title(self, item: discussion.Thought) -> str:
        return (
            f"By: {item.author_name}"
            if item.post is None
            else f"Comment on {item.post.title} by {item.author_name}"
        )

    def item_description(self, item: discussion.Thought) -> str:
        return item.content_html

    def item_link(self, item: discussion.Thought) -> str:
        return item.url

    def item_guid(self, item: discussion.Thought) -> str:
        return item.guid

    item_guid_is_permalink = False

    def item_pubdate(self, item: discussion.Thought) -> datetime:
        return item.published_at

    def item_updateddate(self, item: discussion.Thought) -> datetime:
        # Atom requires <updated> on every entry; a comment's last change is when it was published.
        return item.published_at

    def item_author_name(self, item: discussion.Thought) -> str:
        return item.author_name


class LatestCommentsFeed(CommentsFeed):
    pass


class LatestCommentsAtomFeed(CommentsFeed):
    feed_type = ContentAtomFeed
    subtitle = CommentsFeed.description


def _readable(post: Post, request: HttpRequest) -> Post:
    if not post.is_live or post.password:
        raise Http404("No such post.")
    return post


class PostCommentsFeed(CommentsFeed):
    def get_object(self, request: HttpRequest, year: str, month: str, day: str, slug: str) -> Post:  # type: ignore[override]
        return _readable(get_object_or_404(Post.objects.posts(), slug=slug), request)


class PostCommentsAtomFeed(PostCommentsFeed):
    feed_type = ContentAtomFeed
    subtitle = CommentsFeed.description


class PageCommentsFeed(CommentsFeed):
    def get_object(self, request: HttpRequest, path: str) -> Post:  # type: ignore[override]
        slugs = [s for s in path.split("/") if s] or [""]
        for page in Post.objects.pages().filter(slug=slugs[-1]):
            if page.page_path() == "/".join(slugs):
                return _readable(page, request)
        raise Http404("No such page.")
