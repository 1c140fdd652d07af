"""The "Blog Stats" sidebar widget: every counted page view, plus the hits the owner carried over."""

from django.http import HttpRequest

from sampan.theme.models import Widget

from . import totals

KIND = "blog_stats"


def context(widget: Widget, request: HttpRequest) -> dict:
    return {"hits": f"{totals.total_hits():,}"}
