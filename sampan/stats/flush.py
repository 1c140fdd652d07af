"""From the spool to the database: the worker's batched write of counted views.

`flush_spool()` reads every finished spool file, inserts its views in bulk (alike views as one row and their
count), adds them to the running totals (all hits, each post's views) in the same transaction, and deletes the
files. Counters shown on pages (the Blog Stats widget, a post's view count) are then refreshed by starting a new
page-cache generation, at most once per REFRESH_SECONDS, so cached pages show counts at most about a minute old
without re-rendering on every view.
"""

import logging
import time
from collections import Counter as Tally
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F

from sampan.core import pagecache
from sampan.theme.models import Widget

from . import spool
from .models import Counter, PostViews, StatsSettings, View
from .paths import posts_for_paths
from .widget import KIND

REFRESH_SECONDS = 45
MOST_PER_ROW = 2**31 - 1  # views one raw row can hold (a 32-bit column on PostgreSQL)
log = logging.getLogger(__name__)
_last_refresh = [0.0]
_refresh_due = [False]  # views were written that pages do not show yet


@dataclass
class Flushed:
    files: int = 0
    views: int = 0
    page_views: int = 0
    skipped_lines: int = 0


def flush_spool(*, grace: int = 1) -> Flushed:
    files = spool.closed_files(grace=grace)
    report = Flushed(files=len(files))
    if not files:
        _refresh_if_due()
        return report
    alike: Tally[tuple] = Tally()  # a kind of view (every field alike) and how many of it
    parsed: dict[str, tuple | None] = {}
    for path in files:
        _read(path, report, parsed, alike)
    page_paths: Tally[str] = Tally()
    for row, count in alike.items():
        if row[1] == View.Kind.PAGE:
            page_paths[row[2]] += count
    report.views, report.page_views = alike.total(), page_paths.total()
    with transaction.atomic():
        _insert(alike)
        _add_to_counter("hits", report.page_views)
        per_post: Tally[int] = Tally()
        for where, post_id in posts_for_paths(page_paths).items():
            per_post[post_id] += page_paths[where]
        for post_id, views in per_post.items():
            PostViews.objects.get_or_create(post_id=post_id)
            PostViews.objects.filter(post_id=post_id).update(views=F("views") + views)
    for path in files:
        path.unlink(missing_ok=True)
    if report.page_views:
        _refresh_due[0] = True
    _refresh_if_due()
    return report


def _refresh_if_due() -> None:
    # Checked on every flush, with or without new views: views written just after a refresh must reach the
    # pages at the next allowed moment, even if no reader comes by in between.
    if _refresh_due[0] and time.monotonic() - _last_refresh[0] >= REFRESH_SECONDS:
        refresh_counters_shown(force=True)
        _refresh_due[0] = False


INSERT = (
    "INSERT INTO {table} (day, kind, path, referrer, visitor, source, subscribers, country, views) "
    "VALUES ({marks})"
)


def _insert(alike: Tally[tuple]) -> None:
    """One row per kind of view in this flush, with how many there were: a reader reloading a page, or one client
    asking for it thousands of times a second, costs the worker and the raw table one row, not one per request.

    Plain tuples through the cursor: model instances would cost the worker more than the views' requests."""
    sql = INSERT.format(table=connection.ops.quote_name(View._meta.db_table), marks=", ".join(["%s"] * 9))
    rows = []
    for row, count in alike.items():
        while count > MOST_PER_ROW:  # a flood counted while the worker was stopped for days
            rows.append((*row, MOST_PER_ROW))
            count -= MOST_PER_ROW
        rows.append((*row, count))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _read(path: Path, report: Flushed, parsed: dict[str, tuple | None], alike: Tally[tuple]) -> None:
    """Adds the file's views to `alike`; `parsed` remembers lines seen in this flush (a reader reloading, a feed
    reader polling: the same line again), so each distinct line is checked and converted once."""
    skipped = 0
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        if line in parsed:
            found = parsed[line]
        else:
            found = parsed[line] = _parse(line)
        if found is None:
            skipped += 1
        else:
            alike[found[0]] += found[1]
    if skipped:
        report.skipped_lines += skipped
        log.warning("Stats: skipped %d unreadable line(s) in %s", skipped, path.name)


def _parse(line: str) -> tuple | None:
    """(row, how many views) of a spool line, or None if it is not one."""
    parts = line.split("\t")
    if len(parts) == 7:  # written before countries were counted
        parts.append("")
    if len(parts) == 8:  # written before alike views were written as one line
        parts.append("1")
    if len(parts) != 9:
        return None
    day, kind, where, referrer, hashed, source, subscribers, country, count = parts
    try:
        views = int(count)
        if not 1 <= views <= MOST_PER_ROW:
            return None
        return (
            (
                date.fromisoformat(day).isoformat(),  # checked, then passed as text: no adapter call per row
                kind if kind in ("p", "f") else "p",
                where[:300],
                referrer[:253],
                int(hashed, 16) if hashed else None,
                source[:60],
                int(subscribers) if subscribers else None,
                country.upper() if len(country) == 2 and country.isalpha() else "",
            ),
            views,
        )
    except ValueError:
        return None


def _add_to_counter(name: str, amount: int) -> None:
    if amount:
        Counter.objects.get_or_create(name=name)
        Counter.objects.filter(name=name).update(value=F("value") + amount)


def refresh_counters_shown(*, force: bool = False) -> bool:
    """Start a new page-cache generation if a counter is on show and the last refresh is old enough."""
    if not force and time.monotonic() - _last_refresh[0] < REFRESH_SECONDS:
        return False
    shown = StatsSettings.load().show_post_views or Widget.objects.filter(kind=KIND, enabled=True).exists()
    if not shown:
        return False
    _last_refresh[0] = time.monotonic()
    pagecache.invalidate()
    return True
