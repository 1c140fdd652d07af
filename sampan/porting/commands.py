"""`sampan import-wxr` and `sampan export-wxr`: argument parsing, the progress bar and the summary table."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from .authors import AuthorMapError, read_author_map
from .importer import ImportStopped, Options, Report, import_wxr

SUMMARY_ROWS = ("posts", "pages", "comments", "mentions", "media", "categories", "tags")
MAX_LISTED = 25


class ItemsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} items/s" if speed else "? items/s", style="progress.data.speed")


def import_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sampan import-wxr",
        description="Bring a WordPress export (WXR file: Tools → Export in WordPress) into this site.",
    )
    parser.add_argument("file", type=Path, help="the WXR file (.xml)")
    parser.add_argument("--dry-run", action="store_true", help="report what would happen; change nothing")
    parser.add_argument(
        "--author-map", type=Path, metavar="FILE",
        help="CSV of old_login,new_username lines; without it, authors become new Sampan users",
    )  # fmt: skip
    parser.add_argument("--skip-media", action="store_true", help="do not bring attachments (images, files)")
    parser.add_argument(
        "--media-from", type=Path, metavar="DIR",
        help="take attachments from this copy of the old site's wp-content/uploads instead of downloading them",
    )  # fmt: skip
    options = parser.parse_args(argv)
    err = Console(stderr=True)
    if options.media_from is not None and not options.media_from.is_dir():
        print(f"sampan: --media-from {options.media_from} is not a folder", file=sys.stderr)
        return 1
    try:
        author_map = read_author_map(options.author_map) if options.author_map else None
    except AuthorMapError as error:
        print(f"sampan: {error}", file=sys.stderr)
        return 1
    settings = Options(
        dry_run=options.dry_run,
        author_map=author_map,
        skip_media=options.skip_media,
        media_from=options.media_from,
    )
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), ItemsPerSecond(),
        TextColumn("ETA"), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=err, transient=False) as bar:
        tasks = {
            "media": bar.add_task("Attachments", total=None),
            "items": bar.add_task("Posts, pages and comments", total=None, start=False),
        }

        def progress(stage: str, done: int, total: int | None) -> None:
            task = tasks[stage]
            if stage == "items":
                bar.start_task(task)
            bar.update(task, completed=done, total=total)

        try:
            report = import_wxr(options.file, options=settings, progress=progress)
        except ImportStopped as error:
            bar.stop()
            print(f"sampan: {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:  # between batches (while reading): every finished batch is in
            bar.stop()
            print(
                "sampan: import interrupted; every finished batch is imported, run the same command again to resume",
                file=sys.stderr,
            )
            return 130
    print_report(report, Console())
    return 0


def print_report(report: Report, console: Console) -> None:
    title = "Dry run: nothing was changed; this is what the import would do" if report.dry_run else "Imported"
    table = Table(title=title)
    table.add_column("what")
    table.add_column("new", justify="right")
    table.add_column("already here", justify="right")
    for row in SUMMARY_ROWS:
        table.add_row(row, f"{report.counts[row]:,}", f"{report.unchanged[row]:,}")
    console.print(table)
    if report.resumed_after_line:
        console.print(f"Resumed: an earlier run of this file had got to line {report.resumed_after_line:,}.")
    if report.skipped:
        skipped = Table(title=f"Skipped ({sum(report.skipped.values()):,})")
        skipped.add_column("what and why")
        skipped.add_column("how many", justify="right")
        for reason, count in report.skipped.most_common(MAX_LISTED):
            skipped.add_row(reason, f"{count:,}")
        if len(report.skipped) > MAX_LISTED:
            skipped.add_row(f"… and {len(report.skipped) - MAX_LISTED:,} other reasons", "")
        console.print(skipped)
    for note in report.notes[:MAX_LISTED]:
        console.print(f"• {note}", markup=False, highlight=False)
    if len(report.notes) > MAX_LISTED:
        console.print(f"… and {len(report.notes) - MAX_LISTED:,} more notes like these.")


def export_command(argv: Sequence[str]) -> int:
    from .exporter import write_wxr

    argparse.ArgumentParser(
        prog="sampan export-wxr",
        description="Write the whole site as a WordPress export (WXR 1.2) to standard output.",
    ).parse_args(argv)
    write_wxr(sys.stdout.buffer)
    sys.stdout.flush()
    return 0
