"""Deleting expired raw views: the roll-up's pruning against the day-at-a-time delete it replaced, same run.

    .venv/bin/python bench/stats_rollup.py [--raw-views 10000000]

Fills a fresh SQLite database with `--raw-views` synthetic raw views over 14 days (as `stats_overhead.py` does:
500 pages, 300,000 visitors a day, referrers, feed fetches), copies it, then:

- baseline, on the copy: the old pruning, `View.objects.filter(day=day).delete()` for each of the 7 expired days;
- Sampan, on the original: `roll_up()` as the worker runs it (aggregate all 14 days, then `delete_raw_views`).

Prints both deletion times, their ratio, and the whole roll-up against the target: under a minute for 10 million.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as base  # noqa: E402
from bench.stats_overhead import ROLLUP_TARGET_SECONDS, fill_raw_views, set_up_stats_site  # noqa: E402

FIRST_DAY = date(2026, 1, 1)
DAYS = 14


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw-views", type=int, default=10_000_000, help="synthetic raw views (default 1e7)")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sampan-rollup-bench-"))
    try:
        results = measure(options.raw_views, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = base.RESULTS / f"stats-rollup-{stamp}.json"
    out.write_text(json.dumps({"when": stamp, "cores": os.cpu_count(), **results}, indent=2))
    print(f"results: {out.relative_to(ROOT)}")
    return 0


def measure(raw_views: int, work: Path) -> dict:
    set_up_stats_site(work)
    from django.db import connection

    from sampan.stats.models import View
    from sampan.stats.rollup import roll_up

    started = time.perf_counter()
    fill_raw_views(raw_views, FIRST_DAY, days=DAYS)
    print(
        f"{raw_views:,} raw views over {DAYS} days written in {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    original = Path(connection.settings_dict["NAME"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    copy = work / "baseline.sqlite3"
    shutil.copyfile(original, copy)

    today = FIRST_DAY + timedelta(days=DAYS - 1)
    cutoff = today - timedelta(days=7)
    connection.settings_dict["NAME"] = str(copy)
    started = time.perf_counter()
    baseline_deleted = 0
    for day in sorted(View.objects.filter(day__lt=cutoff).values_list("day", flat=True).distinct()):
        baseline_deleted += View.objects.filter(day=day).delete()[0]
    baseline = time.perf_counter() - started
    print(f"baseline: day-at-a-time delete of {baseline_deleted:,} views: {baseline:.1f}s", flush=True)
    connection.close()
    copy.unlink()

    connection.settings_dict["NAME"] = str(original)
    report = roll_up(today=today)
    total = report.rolling_seconds + report.pruning_seconds
    left = View.objects.count()
    verdict = "met" if total < ROLLUP_TARGET_SECONDS * raw_views / 10_000_000 else "MISSED"
    print(
        f"Sampan: roll-up of {report.days} days in {total:.1f}s: aggregating {report.rolling_seconds:.1f}s, "
        f"deleting {report.raw_deleted:,} views {report.pruning_seconds:.1f}s "
        f"({report.pruning_seconds / baseline:.0%} of the baseline's time); {left:,} raw views left. "
        f"Target < {ROLLUP_TARGET_SECONDS * raw_views / 10_000_000:.0f}s for this size: {verdict}"
    )
    assert report.raw_deleted == baseline_deleted
    return {
        "raw_views": raw_views, "baseline_delete_seconds": baseline, "aggregating_seconds": report.rolling_seconds,
        "deleting_seconds": report.pruning_seconds, "deleted": report.raw_deleted, "raw_left": left,
        "ratio_delete_vs_baseline": report.pruning_seconds / baseline, "total_seconds": total,
    }  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
