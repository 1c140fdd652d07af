"""The old site's links keep working after an import.

Every imported item's old address (its <link> in the export) answers with a permanent redirect to the item,
when it is not the item's address here already: posts linked as /slug/ or /archives/123, dates written in
another time zone, a slug that had to change because it was taken here, attachment pages (to the file, or the
post it belongs to when the file was not brought). `/?p=ID`, `/?page_id=ID` and `/?attachment_id=ID` are read as
the OLD WordPress IDs when an import knows them (those are the links out in the world); other numbers fall
through to the blog, which reads them as its own.

It runs before the blog's views, because an old address may also match a blog pattern and mean another post
(the taken slug). The set of old paths is read once per page-cache generation, so a request that matches none
costs a set lookup.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from sampan.blog.services import post_is_visible_to
from sampan.core import pagecache

from .media import url_of
from .models import ImportedItem, OldLink

_ID_KEYS = ("p", "page_id", "attachment_id")
_memo: tuple[str, frozenset[str]] = ("", frozenset())


def _old_paths() -> frozenset[str]:
    global _memo
    generation = pagecache.current_generation()
    if _memo[0] != generation:
        _memo = (generation, frozenset(OldLink.objects.values_list("path", flat=True)))
    return _memo[1]


def destination(item: ImportedItem, request: HttpRequest) -> str | None:
    """Where an old item lives now, for this reader (None: nowhere they may see)."""
    reader = request.user if request.user.is_authenticated else None
    if item.post is not None:
        return item.post.get_absolute_url() if post_is_visible_to(item.post, reader) else None
    if item.file:
        return url_of(item.file)
    parent = (
        ImportedItem.objects.filter(source=item.source, wp_id=item.parent_wp_id)
        .select_related("post")
        .first()
        if item.parent_wp_id
        else None
    )
    if parent is not None and parent.post is not None and post_is_visible_to(parent.post, reader):
        return parent.post.get_absolute_url()
    return None


def old_link_target(request: HttpRequest) -> str | None:
    if request.path == "/":
        key = next((k for k in _ID_KEYS if k in request.GET), None)
        value = request.GET.get(key, "") if key else ""
        if not (value.isascii() and value.isdigit() and len(value) < 19):
            return None
        items = ImportedItem.objects.filter(wp_id=int(value)).select_related("post").order_by("-imported_at")
        if key == "attachment_id":
            items = items.filter(post_type="attachment")
        item = items.first()
        if item is None:
            return None
        target = destination(item, request)
        if (
            target is None
        ):  # an old item this reader may not see: never a different post of ours by that number
            raise Http404("No such post.")
        return target
    if request.path not in _old_paths():
        return None
    link = OldLink.objects.filter(path=request.path).select_related("item__post").first()
    return destination(link.item, request) if link is not None else None


class OldLinks:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            target = old_link_target(request)
            if target is not None and target != request.get_full_path():
                return HttpResponsePermanentRedirect(target)
        return self.get_response(request)
