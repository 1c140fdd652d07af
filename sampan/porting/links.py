"""The old addresses an import records, for `middleware.OldLinks` to answer."""

from urllib.parse import unquote, urlsplit

from sampan.blog.models import Post

from .models import ImportedItem, OldLink
from .wxr import Item


def old_path(link: str) -> str | None:
    """The path an item's <link> had, if it is one a path lookup can answer (not "/?p=12", not the home)."""
    parts = urlsplit(link.strip())
    path = unquote(parts.path or "/")
    return None if path == "/" or len(path) > 500 else path


class LinkBook:
    """Old paths already recorded (any import), so each new one costs one insert."""

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self.paths: set[str] = set()

    def load(self) -> None:
        self.paths = set(OldLink.objects.values_list("path", flat=True))

    def remember(self, item: Item, row: ImportedItem, *, post: Post | None = None) -> None:
        path = old_path(item.link)
        if path is None or (post is not None and path == unquote(post.get_absolute_url())):
            return  # it answers there already
        if path not in self.paths:
            OldLink.objects.create(path=path, item=row)
            self.paths.add(path)
        elif not OldLink.objects.filter(path=path, item=row).exists():
            self.notes.append(f"{item.label}: its old address {path} already leads to another item.")
