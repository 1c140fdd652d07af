"""Which post an address shows, for per-post counts (the spool records paths; posts are found at flush time)."""

from collections.abc import Iterable
from urllib.parse import unquote

from django.urls import Resolver404, resolve

from sampan.blog.models import Post


def posts_for_paths(paths: Iterable[str], known: dict[str, int | None] | None = None) -> dict[str, int]:
    """{path: post id} for the paths that are a post's or a page's own address: two queries in all.

    `known` carries answers between calls (a roll-up of many days asks about the same paths again)."""
    known = {} if known is None else known
    posts: dict[str, list[str]] = {}  # slug -> paths
    pages: dict[str, list[str]] = {}  # page path -> paths
    for path in paths:
        if path in known:
            continue
        known[path] = None
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.url_name == "post":
            posts.setdefault(unquote(match.kwargs["slug"]), []).append(path)
        elif match.url_name == "page":
            pages.setdefault(unquote(match.kwargs["path"]).strip("/"), []).append(path)
    if posts:
        for slug, pk in Post.objects.posts().filter(slug__in=list(posts)).values_list("slug", "pk"):
            for path in posts[slug]:
                known[path] = pk
    if pages:
        last = {wanted.rsplit("/", 1)[-1] for wanted in pages}
        for page in Post.objects.pages().filter(slug__in=list(last)).select_related("parent__parent"):
            for path in pages.get(page.page_path(), []):
                known[path] = page.pk
    return {path: pk for path, pk in known.items() if pk is not None}
