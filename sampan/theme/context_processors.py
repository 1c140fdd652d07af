from dataclasses import dataclass
from functools import cached_property

from django.http import HttpRequest
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


def sidebar(request: HttpRequest) -> dict:
    return {
        "sidebar": LazySidebar(request),
        "nav_pages": SimpleLazyObject(lambda: fragments.for_generation("nav-pages", _nav_pages)),
    }
