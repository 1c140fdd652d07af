"""The sidebar: which widgets show, in what order, and what each needs to render.

Each kind of widget is a renderer: a template and a function that gathers its context. The theme registers the
blog's widgets; other apps (followers, stats) register theirs from their `AppConfig.ready()` with `register()`.
The rendered sidebar is a fragment built once per cache generation (`core.fragments`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from sampan.blog import calendar as blog_calendar
from sampan.blog.models import Category, Post
from sampan.core import fragments
from sampan.core.sanitize import clean_widget_html

from .models import Widget


@dataclass(frozen=True)
class WidgetKind:
    label: str
    template: str
    context: Callable[[Widget, HttpRequest], dict]


_KINDS: dict[str, WidgetKind] = {}


def register(kind: str, widget_kind: WidgetKind) -> None:
    _KINDS[kind] = widget_kind


def kind_label(kind: str) -> str:
    return _KINDS[kind].label if kind in _KINDS else kind.replace("_", " ").capitalize()


def kind_choices() -> list[tuple[str, str]]:
    return [(k, v.label) for k, v in _KINDS.items()]


def calendar_month(request: HttpRequest) -> tuple[int, int]:
    """The month of the date archive or dated post being read (as WordPress does), else this month."""
    match = getattr(request, "resolver_match", None)
    if match and match.url_name in ("month", "day", "post") and match.kwargs.get("month"):
        year, month = int(match.kwargs["year"]), int(match.kwargs["month"])
        if 1 <= year <= 9998 and 1 <= month <= 12:
            return year, month
    today = timezone.localdate()
    return today.year, today.month


def _calendar(widget: Widget, request: HttpRequest) -> dict:
    return {"calendar": blog_calendar.calendar_for_month(*calendar_month(request))}


def _archives(widget: Widget, request: HttpRequest) -> dict:
    return {"months": blog_calendar.months_with_posts()}


def _categories(widget: Widget, request: HttpRequest) -> dict:
    live = Q(posts__status=Post.Status.PUBLISHED, posts__published_at__lte=timezone.now())
    rows = list(Category.objects.annotate(n=Count("posts", filter=live)).order_by("name"))
    children: dict[int | None, list[Category]] = {}
    for category in rows:
        children.setdefault(category.parent_id, []).append(category)
    tree: list[tuple[Category, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for category in children.get(parent, []):
            tree.append((category, depth))
            if depth < 5:
                walk(category.pk, depth + 1)

    walk(None, 0)
    # Like WordPress: a category shows when it or one of its sub-categories has posts.
    shown = [(c, d) for i, (c, d) in enumerate(tree) if c.n or _has_posts_below(tree, i)]  # type: ignore[attr-defined]
    return {"categories": shown}


def _has_posts_below(tree: list[tuple[Category, int]], index: int) -> bool:
    depth = tree[index][1]
    for category, below in tree[index + 1 :]:
        if below <= depth:
            return False
        if category.n:  # type: ignore[attr-defined]
            return True
    return False


def _recent(widget: Widget, request: HttpRequest) -> dict:
    return {"recent": Post.objects.posts().live().only("title", "slug", "published_at", "kind")[:5]}


def _text(widget: Widget, request: HttpRequest) -> dict:
    return {"content": mark_safe(clean_widget_html(widget.content))}


register(Widget.Kind.SEARCH, WidgetKind("Search", "theme/widgets/search.html", lambda w, r: {}))
register(Widget.Kind.CALENDAR, WidgetKind("Calendar", "theme/widgets/calendar.html", _calendar))
register(Widget.Kind.ARCHIVES, WidgetKind("Archives", "theme/widgets/archives.html", _archives))
register(Widget.Kind.CATEGORIES, WidgetKind("Categories", "theme/widgets/categories.html", _categories))
register(Widget.Kind.RECENT_POSTS, WidgetKind("Recent Posts", "theme/widgets/recent_posts.html", _recent))
register(Widget.Kind.TEXT, WidgetKind("Text", "theme/widgets/text.html", _text))


def render_sidebar(request: HttpRequest) -> SafeString:
    year, month = calendar_month(request)

    def build() -> str:
        parts = []
        for widget in Widget.objects.filter(enabled=True):
            kind = _KINDS.get(widget.kind)
            if kind is None:
                continue  # an app that provided this kind is not installed any more
            context = {"widget": widget, "title": widget.title or kind.label, **kind.context(widget, request)}
            parts.append(render_to_string(kind.template, context))
        return "".join(parts)

    # The calendar marks today and follows the archive's month: one variant per day and month shown.
    html = fragments.for_generation(f"sidebar:{timezone.localdate()}:{year}-{month}", build)
    return mark_safe(html)
