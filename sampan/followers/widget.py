"""The sidebar's "Follow Blog via Email" widget.

The widget shows the live count of confirmed followers; like the whole sidebar it is built once per cache
generation, and every change to that count (a confirmation, an unsubscribe, bounces, an import) calls
`pagecache.invalidate()`, so the count on every page is current.
"""

from django.http import HttpRequest

from sampan.theme import widgets
from sampan.theme.models import Widget

from . import services

KIND = "follow"


def _context(widget: Widget, request: HttpRequest) -> dict:
    return {"followers": services.confirmed_count()}


def register_widget() -> None:
    widgets.register(KIND, widgets.WidgetKind("Follow Blog via Email", "followers/widget.html", _context))
