"""Reader-facing pages of the blog. Thin: parse the request, ask a service or a query, render."""

import re
from datetime import date, datetime, timedelta
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from sampan.core import fragments, pagecache

from . import discussion, protection, search, services
from .calendar import LATEST, local_midnight, month_bounds
from .models import Category, Post, Tag
from .rendering import summary

LISTING_TEMPLATE = "blog/post_list.html"
_PAGE_SUFFIX = re.compile(r"page/[0-9]+/$")
_COMMENT_PAGE = re.compile(r"comment-page-[0-9]+/$")  # …/slug/comment-page-2/, routed by the comments app


def _listing(
    request: HttpRequest, posts: QuerySet[Post] | list[Post], page: str | None, **context: object
) -> HttpResponse:
    per_page = fragments.site_settings().posts_per_page or 10
    paginator = Paginator(posts, per_page, allow_empty_first_page=True)
    try:
        page_obj = paginator.page(int(page or 1))
    except (EmptyPage, ValueError) as err:
        raise Http404("No such page of posts.") from err
    context.setdefault("heading", "")
    base = _PAGE_SUFFIX.sub("", request.path)
    kept = request.GET.copy()
    kept.pop("paged", None)  # WordPress's ?paged=N: the page number now lives in the path
    query = "?" + kept.urlencode() if kept else ""
    if page_obj.number == 1 and _PAGE_SUFFIX.search(request.path):
        return HttpResponsePermanentRedirect(base + query)  # /page/1/ is the listing itself
    if page_obj.has_next():
        context["next_url"] = f"{base}page/{page_obj.next_page_number()}/{query}"
    if page_obj.has_previous():
        previous = page_obj.previous_page_number()
        context["previous_url"] = (f"{base}page/{previous}/" if previous > 1 else base) + query
    return render(request, LISTING_TEMPLATE, {"page_obj": page_obj, "posts": page_obj.object_list, **context})


def _reader(request: HttpRequest) -> AbstractBaseUser | None:
    """The signed-in reader, or None for an anonymous one."""
    return request.user if request.user.is_authenticated else None


# A category's link names its ancestors (/category/travel/rivers/): fetch two levels of parents with it.
_CATEGORIES_WITH_PARENTS = Prefetch("categories", queryset=Category.objects.select_related("parent__parent"))
_NEIGHBOUR_FIELDS = ("title", "slug", "published_at", "kind")
# What a post's page needs around its article (which is a cached fragment): who may see it, where it lives.
_LOOKUP_FIELDS = (
    *_NEIGHBOUR_FIELDS,
    "status",
    "author_id",
    "password",
    "parent_id",
    "excerpt",
    "comments_open",
    "pings_open",
)


def _live_posts() -> QuerySet[Post]:
    return (
        Post.objects.posts()
        .live()
        .select_related("author")
        .prefetch_related(_CATEGORIES_WITH_PARENTS, "tags")
    )


@require_http_methods(["GET", "HEAD"])
def home(request: HttpRequest, page: str | None = None) -> HttpResponse:
    legacy = _legacy_query(request)
    if legacy is not None:
        return legacy
    if "s" in request.GET:
        return _search(request, request.GET.get("s", ""), page or request.GET.get("paged"))
    posts = _live_posts().order_by("-sticky", "-published_at", "-id")
    return _listing(request, posts, page, is_home=True)


def _legacy_query(request: HttpRequest) -> HttpResponse | None:
    """WordPress's query-string links (?p=ID, ?page_id=ID, ?cat=ID, ?m=YYYYMM) keep working."""
    for key in ("p", "page_id"):
        if key in request.GET:
            try:
                post = Post.objects.get(pk=int(request.GET[key]))
            except (ValueError, Post.DoesNotExist, OverflowError) as err:
                raise Http404("No such post.") from err
            if not services.post_is_visible_to(post, _reader(request)):
                raise Http404("No such post.")
            return redirect(post.get_absolute_url(), permanent=True)
    if "cat" in request.GET:
        try:
            return redirect(get_object_or_404(Category, pk=int(request.GET["cat"])), permanent=True)
        except (ValueError, OverflowError) as err:
            raise Http404("No such category.") from err
    if "m" in request.GET:
        m = request.GET["m"]
        if m.isascii() and m.isdigit() and len(m) in (4, 6, 8):
            parts = [m[:4], m[4:6], m[6:8]]
            name = ["year", "month", "day"][len(m) // 2 - 2]
            kwargs = dict(zip(["year", "month", "day"], [p for p in parts if p], strict=False))
            _period(**kwargs)  # no redirect to a date that does not exist
            return redirect(reverse(f"blog:{name}", kwargs=kwargs), permanent=True)
        raise Http404("No such archive.")
    return None


def _period(year: str, month: str | None = None, day: str | None = None) -> tuple[datetime, datetime, str]:
    try:
        y, m, d = int(year), int(month or 1), int(day or 1)
        start_day = date(y, m, d)
    except ValueError as err:
        raise Http404("No such date.") from err
    if day:
        label = start_day.strftime("%B %-d, %Y")
        end = local_midnight(start_day + timedelta(days=1)) if start_day < date.max else LATEST
    elif month:
        label = start_day.strftime("%B %Y")
        end = month_bounds(y, m)[1]
    else:
        label = str(y)
        end = local_midnight(date(y + 1, 1, 1)) if y < date.max.year else LATEST
    return local_midnight(start_day), end, label


def _date_archive(
    request: HttpRequest, kind: str, year: str, month: str | None, day: str | None, page: str | None
) -> HttpResponse:
    start, end, label = _period(year, month, day)
    posts = _live_posts().filter(published_at__gte=start, published_at__lt=end)
    heading = {"year": "Yearly", "month": "Monthly", "day": "Daily"}[kind] + f" Archives: {label}"
    return _listing(request, posts, page, heading=heading, archive=True)


@require_http_methods(["GET", "HEAD"])
def year_archive(request: HttpRequest, year: str, page: str | None = None) -> HttpResponse:
    return _date_archive(request, "year", year, None, None, page)


@require_http_methods(["GET", "HEAD"])
def month_archive(request: HttpRequest, year: str, month: str, page: str | None = None) -> HttpResponse:
    return _date_archive(request, "month", year, month, None, page)


@require_http_methods(["GET", "HEAD"])
def day_archive(
    request: HttpRequest, year: str, month: str, day: str, page: str | None = None
) -> HttpResponse:
    return _date_archive(request, "day", year, month, day, page)


@require_http_methods(["GET", "HEAD"])
def category_archive(request: HttpRequest, path: str, page: str | None = None) -> HttpResponse:
    category = get_object_or_404(Category, slug=path.rstrip("/").rsplit("/", 1)[-1])
    if category.path != path.strip("/"):
        paged = f"page/{page}/" if page else ""
        return HttpResponsePermanentRedirect(category.get_absolute_url() + paged)
    family = [category.pk, *category.descendant_ids()]
    posts = _live_posts().filter(categories__in=family).distinct()
    return _listing(
        request, posts, page, heading=f"Category: {category.name}", description=category.description,
        feed_url=reverse("blog:category_feed", kwargs={"path": category.path}), archive=True,
    )  # fmt: skip


@require_http_methods(["GET", "HEAD"])
def tag_archive(request: HttpRequest, slug: str, page: str | None = None) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    return _listing(
        request, _live_posts().filter(tags=tag), page, heading=f"Tag: {tag.name}",
        feed_url=reverse("blog:tag_feed", kwargs={"slug": tag.slug}), archive=True,
    )  # fmt: skip


@require_http_methods(["GET", "HEAD"])
def author_archive(request: HttpRequest, username: str, page: str | None = None) -> HttpResponse:
    author = get_object_or_404(get_user_model(), username=username, is_active=True)
    name = author.get_full_name() or author.get_username()
    return _listing(
        request, _live_posts().filter(author=author), page, heading=f"Author: {name}",
        feed_url=reverse("blog:author_feed", kwargs={"username": username}), archive=True,
    )  # fmt: skip


def _search(request: HttpRequest, query: str, page: str | None) -> HttpResponse:
    query = query.strip()[:200]
    results = search.search_posts(query) if query else []
    response = _listing(
        request, results, page, heading=f"Search Results for: {query}", search_query=query, is_search=True
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@require_http_methods(["GET", "HEAD"])
def search_path(request: HttpRequest, query: str, page: str | None = None) -> HttpResponse:
    return _search(request, query.replace("+", " "), page)


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request: HttpRequest, year: str, month: str, day: str, slug: str) -> HttpResponse:
    post = fragments.for_generation(f"post-by-slug:{slug}", lambda: _post_by_slug(slug))
    if post is None:
        raise Http404("No such post.")
    if not services.post_is_visible_to(post, _reader(request)):
        raise Http404("No such post.")
    canonical = unquote(post.get_absolute_url())
    if request.path != canonical and _COMMENT_PAGE.sub("", request.path) != canonical:
        # Same post, other date in the link (an old time zone, a changed date): send readers to the real one.
        return HttpResponsePermanentRedirect(post.get_absolute_url())
    return _show(request, post)


def _post_by_slug(slug: str) -> Post | None:
    return Post.objects.posts().only(*_LOOKUP_FIELDS).filter(slug=slug).first()


@require_http_methods(["GET", "HEAD", "POST"])
def page_detail(request: HttpRequest, path: str) -> HttpResponse:
    slugs = [s for s in path.split("/") if s]
    if not slugs:
        raise Http404("No such page.")
    candidates = Post.objects.pages().filter(slug=slugs[-1]).select_related("author", "parent")
    page = next((p for p in candidates if p.page_path() == "/".join(slugs)), None)
    if page is None:
        if len(slugs) == 1:
            # A post linked as /slug/ (a WordPress "post name" permalink): send readers to it.
            post = Post.objects.posts().live().filter(slug=slugs[0]).first()
            if post is not None:
                return HttpResponsePermanentRedirect(post.get_absolute_url())
        raise Http404("No such page.")
    if not services.post_is_visible_to(page, _reader(request)):
        raise Http404("No such page.")
    return _show(request, page)


def _show(request: HttpRequest, post: Post) -> HttpResponse:
    if request.method == "POST" and not post.password:
        return HttpResponseNotAllowed(["GET", "HEAD"])  # only a password form posts here
    if post.password and not protection.has_unlocked(request, post):
        if request.method == "POST":
            return protection.unlock(request, post)
        return pagecache.mark_uncacheable(
            render(request, "blog/password_form.html", {"post": post, "error": False})
        )
    context: dict[str, object] = {"post": post, "discussion": discussion.for_post(post, request)}
    if post.is_live and not post.password:
        # What every reader sees of a public post is the same until something changes: build it once per
        # cache generation, so writers (who bypass the page cache) and readers after a cache miss pay less.
        context.update(fragments.for_generation(f"post:{post.pk}", lambda: _article(post)))
    else:
        context.update(_article(post))
    response = render(request, "blog/post_detail.html", context)
    if not post.is_live or post.password:
        pagecache.mark_uncacheable(response)
    return response


def _article(post: Post) -> dict[str, str]:
    """The post itself, its terms and its neighbours, rendered; and the description for its <meta> tag."""
    post = (
        Post.objects.select_related("author")
        .prefetch_related(_CATEGORIES_WITH_PARENTS, "tags")
        .get(pk=post.pk)
    )
    context: dict[str, object] = {"post": post}
    if not post.is_page:
        live = Post.objects.posts().live().only(*_NEIGHBOUR_FIELDS)
        context["previous_post"] = (
            live.filter(published_at__lt=post.published_at).order_by("-published_at", "-id").first()
        )
        context["next_post"] = (
            live.filter(published_at__gt=post.published_at).order_by("published_at", "id").first()
        )
    return {
        "article": render_to_string("blog/_article.html", context),
        "description": post.excerpt or summary(post.body_html, words=30),
    }


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *"]
    if fragments.site_settings().search_engines_allowed:
        lines += ["Disallow: /admin/", "Disallow: /?s=", "Disallow: /search/", ""]
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    else:
        lines.append("Disallow: /")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
