"""Which post an address shows, for per-post counts (the spool records paths; posts are found at flush time)."""

from collections.abc import Iterable
from urllib.parse import unquote

from django.urls import Resolver404, resolve

from sampan.blog.models import Post


def posts_for_paths(paths: Iterable[str]) -> dict[str, int]:
    """{path: post id} for the paths that are a post's or a page's own address."""
    found: dict[str, int] = {}
    for path in paths:
        post_id = _post_for(path)
        if post_id is not None:
            found[path] = post_id
    return found


def _post_for(path: str) -> int | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name == "post":
        slug = unquote(match.kwargs["slug"])
        return Post.objects.posts().filter(slug=slug).values_list("pk", flat=True).first()
    if match.url_name == "page":
        wanted = unquote(match.kwargs["path"]).strip("/")
        for page in Post.objects.pages().filter(slug=wanted.rsplit("/", 1)[-1]).select_related("parent"):
            if page.page_path() == wanted:
                return page.pk
    return None
