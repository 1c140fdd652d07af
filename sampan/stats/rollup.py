"""Daily roll-ups: raw views become one row per day (views, visitors), per day and page, per day and referring
site, per day and feed reader, per day and country (with a GeoIP database); raw views older than SAMPAN_STATS_RAW_DAYS are then deleted (in id ranges, see
`delete_raw_views`), and the secrets of days that are over are forgotten.

Only days that received views since the last roll-up are computed again (the newest rolled-up raw id is kept
as a counter), each from all its raw rows (adding up their counts), so running it often is cheap and running it
twice changes nothing.
"""

import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from sampan.core import retention

from . import classify, visitor
from .models import Counter, DailyCountry, DailyFeed, DailyPage, DailyReferrer, DailyViews, View
from .paths import posts_for_paths

MARK = "rolled_up_to_id"
PRUNE_BATCH = 50_000
PRUNE_CACHE_KIB = 256 * 1024  # SQLite page cache while deleting (memory is taken only as pages are read)
log = logging.getLogger(__name__)


@dataclass
class RolledUp:
    days: int = 0
    raw_deleted: int = 0
    secrets_forgotten: int = 0
    rolling_seconds: float = 0.0
    pruning_seconds: float = 0.0


def roll_up(*, today: date | None = None) -> RolledUp:
    today = today or visitor.day_of(visitor.now())
    report = RolledUp()
    started = time.perf_counter()
    last = Counter.objects.filter(name=MARK).values_list("value", flat=True).first() or 0
    newest = View.objects.aggregate(n=Max("id"))["n"] or 0
    if newest > last:
        days = sorted(View.objects.filter(id__gt=last).values_list("day", flat=True).distinct())
        known: dict[str, int | None] = {}
        for day in days:
            with transaction.atomic():
                _roll_up_day(day, known)
        Counter.objects.update_or_create(name=MARK, defaults={"value": newest})
        report.days = len(days)
    report.rolling_seconds = time.perf_counter() - started
    cutoff = today - retention.keep_for("raw_stats")  # the owner's choice, SAMPAN_STATS_RAW_DAYS by default
    report.raw_deleted = delete_raw_views(before=cutoff)
    report.secrets_forgotten = visitor.forget_old_secrets(before=today)
    report.pruning_seconds = time.perf_counter() - started - report.rolling_seconds
    if report.days or report.raw_deleted:
        log.info(
            "Stats: rolled up %d day(s) in %.1fs, deleted %d raw views",
            report.days,
            report.rolling_seconds,
            report.raw_deleted,
        )
    return report


def delete_raw_views(*, before: date) -> int:
    """Delete the raw views of the days before `before`, at most PRUNE_BATCH rows per transaction.

    Views are written in the order they come, so the old days' rows are (nearly all) the lowest ids: each batch is
    one DELETE of an id range, which reads the table front to back instead of jumping to every row a day's index
    entries point at. No row comes into Python and no signal is sent: nothing refers to a raw view (a test checks
    that), so there is nothing to cascade to. A batch is a short transaction, so the flush never waits long.
    """
    first_kept = View.objects.filter(day__gte=before).aggregate(n=Min("id"))["n"]
    bounds = View.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        return 0
    # Every row below the first kept id is of an older day (a kept row has an id at least that high).
    end = first_kept if first_kept is not None else bounds["high"] + 1
    deleted = 0
    with _room_for_the_indexes():
        for start in range(bounds["low"], end, PRUNE_BATCH):
            with transaction.atomic():
                deleted += _delete(View.objects.filter(id__gte=start, id__lt=min(start + PRUNE_BATCH, end)))
        # A view of an old day written after newer ones (a spool file taken late) is found through the day index.
        with transaction.atomic():
            deleted += _delete(View.objects.filter(day__lt=before))
    return deleted


@contextmanager
def _room_for_the_indexes() -> Iterator[None]:
    """SQLite: a larger page cache while deleting. Each deleted row also leaves two indexes, at places spread over
    the day's part of them; with SQLite's default 2 MB cache those pages are read and written again and again."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{PRUNE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _delete(views: QuerySet[View]) -> int:
    # One DELETE statement: QuerySet.delete() would first ask whether signals or relations need the rows.
    return views._raw_delete(views.db)  # type: ignore[attr-defined]


def _roll_up_day(day: date, known: dict[str, int | None]) -> None:
    raw = View.objects.filter(day=day)
    pages = raw.filter(kind=View.Kind.PAGE)
    # A raw row is one view or several alike (`View.views`): views are summed, visitors counted once each.
    totals = pages.aggregate(
        seen=Sum("views", default=0),
        visitors=Count("visitor", distinct=True),
        private=Sum("views", filter=Q(visitor=None), default=0),
    )
    per_path = list(
        pages.values("path").annotate(seen=Sum("views"), visitors=Count("visitor", distinct=True))
    )
    referrers = pages.exclude(referrer="").values("referrer").annotate(seen=Sum("views"))
    # Only views counted with a GeoIP database have a country; without one, this reads an empty index.
    countries = (
        pages.exclude(country="")
        .values("country")
        .annotate(seen=Sum("views"), visitors=Count("visitor", distinct=True))
    )
    feeds = _feed_subscribers(raw.filter(kind=View.Kind.FEED))
    post_ids = posts_for_paths((row["path"] for row in per_path), known)
    DailyViews.objects.update_or_create(
        day=day,
        defaults={
            "views": totals["seen"],
            "visitors": totals["visitors"],
            "private_views": totals["private"],
            "feed_subscribers": sum(feeds.values()),
        },
    )
    DailyPage.objects.filter(day=day).delete()
    DailyPage.objects.bulk_create(
        [
            DailyPage(
                day=day,
                path=r["path"],
                post_id=post_ids.get(r["path"]),
                views=r["seen"],
                visitors=r["visitors"],
            )
            for r in per_path
        ],
        batch_size=2000,
    )
    DailyReferrer.objects.filter(day=day).delete()
    DailyReferrer.objects.bulk_create(
        [
            DailyReferrer(
                day=day,
                domain=r["referrer"],
                search_engine=classify.search_engine(r["referrer"]),
                views=r["seen"],
            )
            for r in referrers
        ],
        batch_size=2000,
    )
    DailyCountry.objects.filter(day=day).delete()
    DailyCountry.objects.bulk_create(
        [
            DailyCountry(day=day, country=r["country"], views=r["seen"], visitors=r["visitors"])
            for r in countries
        ]
    )
    DailyFeed.objects.filter(day=day).delete()
    DailyFeed.objects.bulk_create([DailyFeed(day=day, source=s, subscribers=n) for s, n in feeds.items()])


def _feed_subscribers(fetches) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A reader service counts what it last said it serves that day; other readers count once per visitor."""
    found: dict[str, int] = defaultdict(int)
    for row in fetches.exclude(source="").values("source").annotate(n=Max("subscribers")):
        found[row["source"]] = row["n"] or 0
    direct = fetches.filter(source="").aggregate(n=Count("visitor", distinct=True))["n"]
    if direct:
        found[""] = direct
    return dict(found)
