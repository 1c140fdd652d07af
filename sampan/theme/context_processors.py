from dataclasses import dataclass
from functools import cache, cached_property

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from sampan.blog.models import Post
from sampan.core import fragments

from .widgets import render_sidebar


class LazySidebar:
    """Rendered only if the template shows it (feeds, errors and the admin never pay for it)."""

    def __init__(self, request: HttpRequest):
        self.request = request

    @cached_property
    def html(self) -> str:
        return render_sidebar(self.request)

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class NavLink:
    title: str
    url: str


def _nav_pages() -> list[NavLink]:
    pages = Post.objects.pages().live().filter(parent=None, password="").order_by("menu_order", "title")[:12]
    return [NavLink(str(page), page.get_absolute_url()) for page in pages.only("title", "slug", "kind")]


@cache
def _site_links() -> dict[str, str]:
    """Addresses every page links to; they depend only on the URL map, so each process works them out once."""
    names = ("home", "feed", "feed_atom", "comments_feed")
    return {name: reverse(f"blog:{name}") for name in names}


def theme(request: HttpRequest) -> dict:
    return {
        "links": _site_links(),
        "sidebar": LazySidebar(request),
        "nav_pages": SimpleLazyObject(lambda: fragments.for_generation("nav-pages", _nav_pages)),
    }
