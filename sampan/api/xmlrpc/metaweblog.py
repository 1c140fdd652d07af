"""The MetaWeblog API (with WordPress's and Movable Type's `wp_*`/`mt_*` fields): MarsEdit, Open Live Writer,
Word, and most other desktop and phone blogging apps speak it."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from sampan.blog.models import Category, Post

from . import access, media, params, writing
from .dispatch import method
from .shapes import absolute, link, local, utc

MORE = "<!--more-->"
MAX_RECENT = 100


@method("metaWeblog.newPost")
def new_post(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, content: Any, publish: Any = False
) -> str:
    user = access.sign_in(request, username, password)
    changes = changes_from(params.struct(content, "content"))
    if changes.status is None:
        changes.status = Post.Status.PUBLISHED if params.flag(publish, "publish") else Post.Status.DRAFT
    return str(writing.new_post(user=user, changes=changes).pk)


@method("metaWeblog.editPost")
def edit_post(
    request: HttpRequest, post_id: Any, username: Any, password: Any, content: Any, publish: Any = False
) -> bool:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    changes = changes_from(params.struct(content, "content"))
    if changes.status is None:
        changes.status = status_after_edit(post, publish=params.flag(publish, "publish"))
    writing.edit_post(post, user=user, changes=changes)
    return True


@method("metaWeblog.getPost")
def get_post(request: HttpRequest, post_id: Any, username: Any, password: Any) -> dict[str, Any]:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    access.check_may_edit(user, post)
    return as_struct(post)


@method("metaWeblog.getRecentPosts")
def get_recent_posts(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, number: Any = 10
) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    count = min(max(params.integer(number, "numberOfPosts"), 0), MAX_RECENT)
    posts = access.editable_posts(user).filter(kind=Post.Kind.POST).order_by("-published_at", "-id")
    return [as_struct(post) for post in posts[:count]]


@method("metaWeblog.getCategories")
@method("wp.getCategories")  # the same call under WordPress's name
def get_categories(request: HttpRequest, blog_id: Any, username: Any, password: Any) -> list[dict[str, Any]]:
    access.sign_in(request, username, password)
    return [category_struct(c) for c in Category.objects.select_related("parent")]


@method("metaWeblog.newMediaObject")
@method("wp.uploadFile")  # the same call under WordPress's name
def new_media_object(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, data: Any
) -> dict[str, Any]:
    user = access.sign_in(request, username, password)
    return media.save_upload(user=user, data=params.struct(data, "data"))


def status_after_edit(post: Post, *, publish: bool) -> str:
    """MetaWeblog has only a publish flag: "publish" keeps a post that is out (or private, or scheduled) so."""
    if not publish:
        return Post.Status.DRAFT
    out = (Post.Status.PUBLISHED, Post.Status.PRIVATE, Post.Status.SCHEDULED)
    return post.status if post.status in out else Post.Status.PUBLISHED


def changes_from(content: dict[str, Any]) -> writing.Changes:
    changes = writing.Changes(
        title=params.optional_text(content.get("title"), "title"),
        excerpt=params.optional_text(content.get("mt_excerpt"), "mt_excerpt"),
        slug=params.optional_text(content.get("wp_slug"), "wp_slug"),
        password=params.optional_text(content.get("wp_password"), "wp_password"),
    )
    body = params.optional_text(content.get("description"), "description")
    more = params.optional_text(content.get("mt_text_more"), "mt_text_more")
    if body is not None:
        changes.body = f"{body}{MORE}{more}" if more else body
    if content.get("custom_fields") is not None:
        changes.body_format = writing.format_from(content["custom_fields"])
    if content.get("post_type") is not None:
        changes.kind = writing.kind_from(content["post_type"])
    status = content.get("post_status", content.get("page_status"))
    changes.status = writing.status_from(status) if status else None
    gmt, given = content.get("date_created_gmt"), content.get("dateCreated")
    if gmt is not None or given is not None:
        changes.published_at = params.moment(gmt if gmt is not None else given, "dateCreated")
    if content.get("categories") is not None:
        changes.categories = params.names(content["categories"], "categories")
    if content.get("mt_keywords") is not None:
        changes.tags = params.names(content["mt_keywords"], "mt_keywords")
    if content.get("sticky") is not None:
        changes.sticky = params.flag(content["sticky"], "sticky")
    changes.comments_open = _open(content.get("mt_allow_comments"), "mt_allow_comments")
    changes.pings_open = _open(content.get("mt_allow_pings"), "mt_allow_pings")
    if content.get("wp_page_order") not in (None, ""):
        changes.menu_order = params.integer(content["wp_page_order"], "wp_page_order")
    if content.get("wp_page_parent_id") not in (None, ""):
        changes.parent_id = params.integer(content["wp_page_parent_id"], "wp_page_parent_id")
    return changes


def _open(value: Any, name: str) -> bool | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value == 1  # Movable Type's numbers: 0 none, 1 open, 2 closed to new ones
    return params.flag(value, name)


def as_struct(post: Post) -> dict[str, Any]:
    modified = post.updated_at or post.published_at
    body, _, more = description(post).partition(MORE)
    struct = {
        "postid": str(post.pk),
        "userid": str(post.author_id),
        "title": post.title,
        "description": body,
        "mt_text_more": more,
        "wp_more_text": "",
        "link": link(post),
        "permaLink": link(post),
        "dateCreated": local(post.published_at),
        "date_created_gmt": utc(post.published_at),
        "date_modified": local(modified),
        "date_modified_gmt": utc(modified),
        "categories": [c.name for c in post.categories.all()],
        "mt_keywords": ", ".join(t.name for t in post.tags.all()),
        "mt_excerpt": post.excerpt,
        "mt_allow_comments": int(post.comments_open),
        "mt_allow_pings": int(post.pings_open),
        "wp_slug": post.slug,
        "wp_password": post.password,
        "wp_author_id": str(post.author_id),
        "wp_author_display_name": post.author.get_full_name() or post.author.get_username(),
        "post_status": post.status,
        "post_type": post.kind,
        "wp_post_format": "standard",
        "sticky": post.sticky,
        "custom_fields": [],
    }
    if post.is_page:
        struct["wp_page_parent_id"] = str(post.parent_id or 0)
    return struct


def description(post: Post) -> str:
    """The post's text as HTML, which is what apps edit (a Markdown post's HTML; see writing._apply_text)."""
    return post.body if post.body_format == Post.Format.HTML else post.body_html


def category_struct(category: Category) -> dict[str, Any]:
    url = category.get_absolute_url()
    return {
        "categoryId": str(category.pk),
        "parentId": str(category.parent_id or 0),
        "categoryName": category.name,
        "categoryDescription": category.description,
        "description": category.name,
        "htmlUrl": absolute(url),
        "rssUrl": absolute(reverse("blog:category_feed", kwargs={"path": category.path})),
    }
