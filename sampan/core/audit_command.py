"""The `sampan audit [URL]` command: run the audit (core/audit.py) and print its report as a table."""

import argparse
import sys
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from rich.console import Console
from rich.table import Table

from .audit import AuditUnavailable, PageReport, audit_site


def audit_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sampan audit",
        description="Load the site's own pages in headless Chromium and report every request that leaves "
        "the site and every Content-Security-Policy violation. Exit 0 when clean, 1 when anything "
        "foreign is found, 2 when the audit could not run.",
    )
    parser.add_argument("url", nargs="?", default="", help="where to start (default: SAMPAN_SITE_URL)")
    parser.add_argument("--max-pages", type=int, default=200, help="pages to load at most (default 200)")
    options = parser.parse_args(argv)
    start = options.url or settings.SITE_URL + "/"
    if not start.startswith(("http://", "https://")):
        print(f"sampan: {start!r} is not an http:// or https:// address", file=sys.stderr)
        return 2
    try:
        reports = audit_site(start, max_pages=max(1, options.max_pages))
    except AuditUnavailable as err:
        print(f"sampan: {err}", file=sys.stderr)
        return 2
    print(f"Audited {start}")
    print_report(reports, Console())
    return 0 if all(report.clean for report in reports) else 1


def print_report(reports: list[PageReport], console: Console) -> None:
    table = Table(title="Foreign-request audit", show_lines=False)
    table.add_column("page", overflow="fold")
    table.add_column("status", justify="right")
    table.add_column("foreign requests", overflow="fold")
    table.add_column("CSP violations", overflow="fold")
    for report in reports:
        table.add_row(
            _shown(report.url),
            str(report.status or "-"),
            "\n".join(report.foreign),
            "\n".join(report.violations) or report.error,
            style=None if report.clean else "bold red",
        )
    console.print(table)
    dirty = [report for report in reports if not report.clean]
    foreign = sum(len(report.foreign) for report in reports)
    violations = sum(len(report.violations) for report in reports)
    if dirty:
        console.print(
            f"[bold red]{len(dirty)} of {len(reports)} pages are not clean:[/] {foreign} foreign request(s), "
            f"{violations} CSP violation(s)."
        )
    else:
        console.print(f"[green]{len(reports)} pages audited: no foreign requests, no CSP violations.[/]")


def _shown(url: str) -> str:
    """The path and query: the site's address is the same on every row (and in the title)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
