"""Stats: the public hit count (the Blog Stats widget's) and the owner's summary of the dashboard's numbers.

The numbers are the daily roll-ups the dashboard shows (views reach them within minutes), never raw views, so
nothing here can tell readers apart.
"""

from datetime import date, timedelta
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from sampan.blog.roles import can_edit_others_posts
from sampan.stats import dashboard, totals

from . import auth
from .posts import READ_ERRORS
from .schemas import ErrorOut

stats_router = Router(tags=["stats"])
Days = Annotated[int, Field(ge=1, le=366)]


class HitsOut(Schema):
    hits: int = Field(description='The "Blog Stats: N hits" widget\'s number (with the hits carried over).')


class SpanOut(Schema):
    start: date
    end: date
    views: int
    visitors: int = Field(
        description="The sum of each day's unique visitors (readers are not followed across days)."
    )


class TopPostOut(Schema):
    post: int | None = Field(description="The post or page, when the address is one.")
    title: str
    path: str
    views: int


class ReferrerOut(Schema):
    domain: str
    views: int


class SearchEngineOut(Schema):
    name: str
    views: int


class SummaryOut(Schema):
    total_hits: int = Field(description="As GET /api/stats/hits/.")
    today: SpanOut
    last_7_days: SpanOut = Field(description="Today and the six days before.")
    last_30_days: SpanOut
    days: SpanOut = Field(description="The last `days` days (today included), which the lists below cover.")
    top_posts: list[TopPostOut]
    referrers: list[ReferrerOut] = Field(description="Referring sites (domains only), search engines apart.")
    search_engines: list[SearchEngineOut]


@stats_router.get("/hits/", response={200: HitsOut, **READ_ERRORS}, operation_id="get_hits",
                  summary="The blog's hit count")  # fmt: skip
def get_hits(request: HttpRequest) -> Any:
    auth.reader(request)
    return {"hits": totals.total_hits()}


def _span(summary: dashboard.Summary) -> dict[str, Any]:
    return {"start": summary.start, "end": summary.end, "views": summary.views, "visitors": summary.visitors}


def _last(days: int, today: date) -> dashboard.Summary:
    return dashboard.summary(start=today - timedelta(days=days - 1), end=today)


@stats_router.get("/summary/", response={200: SummaryOut, 403: ErrorOut, **READ_ERRORS}, auth=auth.basic_auth,
                  operation_id="get_stats_summary", summary="Views, visitors, top posts and referrers")  # fmt: skip
def get_stats_summary(request: HttpRequest, days: Days = 30) -> Any:
    """Editors and administrators (as the stats dashboard). Days are the site's own (its time zone)."""
    if not can_edit_others_posts(request.auth):  # type: ignore[attr-defined]
        raise HttpError(403, "Only editors and administrators may read the stats.")
    today = timezone.localdate()
    chosen = _last(days, today)
    return {
        "total_hits": totals.total_hits(),
        "today": _span(_last(1, today)),
        "last_7_days": _span(_last(7, today)),
        "last_30_days": _span(_last(30, today)),
        "days": _span(chosen),
        "top_posts": [
            {
                "post": row["post_id"],
                "title": row["post__title"] or "",
                "path": row["path"],
                "views": row["views"],
            }
            for row in chosen.top_posts
        ],
        "referrers": [{"domain": r["domain"], "views": r["views"]} for r in chosen.referrers],
        "search_engines": [{"name": r["search_engine"], "views": r["views"]} for r in chosen.search_engines],
    }
