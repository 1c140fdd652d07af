"""The owner's dashboard: views and visitors per day, week or month, top posts, referrers, search engines, feed
subscribers, countries (with a GeoIP database), and other apps' series over time (likes; followers when that app registers it).

Visitors of a week or month are the sum of each day's unique visitors: the hashes change every day on purpose,
so the same reader on two days cannot be recognised.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum

from . import geo
from .models import DailyCountry, DailyFeed, DailyPage, DailyReferrer, DailyViews
from .totals import total_hits

PERIODS = {"day": 30, "week": 12, "month": 12}
Series = Callable[..., dict[date, int]]  # called as series(start=…, end=…): {day: count}
_series: dict[str, Series] = {}


def register_series(label: str, series: Series) -> None:
    """Another app's numbers per day, shown as a chart ("Likes", "Followers")."""
    _series[label] = series


@dataclass
class Bucket:
    label: str
    start: date
    end: date
    views: int = 0
    visitors: int = 0
    subscribers: int = 0
    extra: dict[str, int] = field(default_factory=dict)
    countries: list[tuple[str, int]] = field(default_factory=list)  # (code, views), most views first


@dataclass
class Dashboard:
    period: str
    buckets: list[Bucket]
    total_hits: int
    top_posts: list[dict]
    referrers: list[dict]
    search_engines: list[dict]
    feed_sources: list[dict]
    series_labels: list[str]
    countries: list[dict] = field(default_factory=list)
    countries_on: bool = False  # a GeoIP database is configured (SAMPAN_GEOIP_PATH)
    countries_problem: str = ""  # why the configured file gives no countries


def buckets_for(period: str, today: date) -> list[Bucket]:
    if period == "day":
        days = [today - timedelta(days=n) for n in range(PERIODS["day"] - 1, -1, -1)]
        return [Bucket(d.strftime("%b %-d"), d, d) for d in days]
    if period == "week":
        monday = today - timedelta(days=today.weekday())
        starts = [monday - timedelta(weeks=n) for n in range(PERIODS["week"] - 1, -1, -1)]
        return [Bucket("Week of " + s.strftime("%b %-d"), s, s + timedelta(days=6)) for s in starts]
    first = today.replace(day=1)
    starts = [first]
    while len(starts) < PERIODS["month"]:
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    ends = [*(s - timedelta(days=1) for s in starts[1:]), _month_end(first)]
    return [Bucket(s.strftime("%b %Y"), s, e) for s, e in zip(starts, ends, strict=True)]


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def build(*, period: str, today: date) -> Dashboard:
    if period not in PERIODS:
        raise ValueError(f"Unknown period {period!r}: use day, week or month.")
    buckets = buckets_for(period, today)
    start, end = buckets[0].start, buckets[-1].end
    daily = {row.day: row for row in DailyViews.objects.filter(day__gte=start, day__lte=end)}
    series = {label: fetch(start=start, end=end) for label, fetch in _series.items()}
    for bucket in buckets:
        days = [d for d in daily if bucket.start <= d <= bucket.end]
        bucket.views = sum(daily[d].views for d in days)
        bucket.visitors = sum(daily[d].visitors for d in days)
        bucket.subscribers = max((daily[d].feed_subscribers for d in days), default=0)
        bucket.extra = {
            label: sum(n for d, n in values.items() if bucket.start <= d <= bucket.end)
            for label, values in series.items()
        }
    in_range = {"day__gte": start, "day__lte": end}
    per_country = DailyCountry.objects.filter(**in_range)
    for row in per_country.order_by("-views", "country"):
        for bucket in buckets:
            if bucket.start <= row.day <= bucket.end:
                bucket.countries.append((row.country, row.views))
    for bucket in buckets:
        totals: dict[str, int] = {}
        for code, views in bucket.countries:
            totals[code] = totals.get(code, 0) + views
        bucket.countries = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    top_posts = list(
        DailyPage.objects.filter(**in_range)
        .values("path", "post__title")
        .annotate(views=Sum("views"))
        .order_by("-views", "path")[:10]
    )
    referrers = DailyReferrer.objects.filter(**in_range)
    latest_feed_day = (
        DailyFeed.objects.filter(**in_range).order_by("-day").values_list("day", flat=True).first()
    )
    return Dashboard(
        period=period,
        buckets=buckets,
        total_hits=total_hits(),
        top_posts=top_posts,
        referrers=list(
            referrers.filter(search_engine="")
            .values("domain")
            .annotate(views=Sum("views"))
            .order_by("-views")[:10]
        ),
        search_engines=list(
            referrers.exclude(search_engine="")
            .values("search_engine")
            .annotate(views=Sum("views"))
            .order_by("-views")
        ),
        feed_sources=[
            dict(row)
            for row in DailyFeed.objects.filter(day__in=[latest_feed_day] if latest_feed_day else [])
            .values("source", "subscribers")
            .order_by("-subscribers")
        ],
        series_labels=list(series),
        countries=list(
            per_country.values("country")
            .annotate(views=Sum("views"), visitors=Sum("visitors"))
            .order_by("-views", "country")[:25]
        ),
        countries_on=geo.database_path() is not None,
        countries_problem=geo.problem(),
    )


def csv_rows(dashboard: Dashboard) -> list[list[str]]:
    header = ["period", "start", "end", "views", "visitors", "feed subscribers", *dashboard.series_labels]
    if dashboard.countries_on:
        header.append("countries")
    rows = [header]
    for b in dashboard.buckets:
        extra = [str(b.extra[label]) for label in dashboard.series_labels]
        if dashboard.countries_on:  # "NZ 12; AU 3": views per country, most first
            extra.append("; ".join(f"{code} {views}" for code, views in b.countries))
        rows.append(
            [
                b.label,
                b.start.isoformat(),
                b.end.isoformat(),
                str(b.views),
                str(b.visitors),
                str(b.subscribers),
                *extra,
            ]
        )
    return rows


@dataclass
class Summary:
    """Views and visitors from `start` to `end` (inclusive), with what was read most and who sent readers."""

    start: date
    end: date
    views: int
    visitors: int
    top_posts: list[dict]
    referrers: list[dict]
    search_engines: list[dict]


def summary(*, start: date, end: date, limit: int = 10) -> Summary:
    """The rolled-up numbers of a span of days, as the dashboard counts them (for the REST API)."""
    in_range = {"day__gte": start, "day__lte": end}
    sums = DailyViews.objects.filter(**in_range).aggregate(views=Sum("views"), visitors=Sum("visitors"))
    referrers = DailyReferrer.objects.filter(**in_range)
    return Summary(
        start=start,
        end=end,
        views=sums["views"] or 0,
        visitors=sums["visitors"] or 0,
        top_posts=list(
            DailyPage.objects.filter(**in_range)
            .values("path", "post_id", "post__title")
            .annotate(views=Sum("views"))
            .order_by("-views", "path")[:limit]
        ),
        referrers=list(
            referrers.filter(search_engine="")
            .values("domain")
            .annotate(views=Sum("views"))
            .order_by("-views", "domain")[:limit]
        ),
        search_engines=list(
            referrers.exclude(search_engine="")
            .values("search_engine")
            .annotate(views=Sum("views"))
            .order_by("-views", "search_engine")[:limit]
        ),
    )
