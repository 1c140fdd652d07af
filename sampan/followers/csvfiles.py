"""Followers as CSV: the owner's export, and import of WordPress.com / Jetpack subscriber exports.

Import reads the header row and finds the address column by name (`email`, `email_address`, `Email`,
`subscriber email`, `user_email`, `mail`), and, when present, the date (`date_subscribed`, `subscribed`,
`subscription_date`, `date`, `since`) and status (`status`, `email subscription`). Rows whose status says they
were not confirmed or stopped there (`not confirmed`, `pending`, `unsubscribed`, `not sending`, `blocked`) are
left out. Imported addresses count as confirmed only when the owner says so (`--confirmed`); otherwise each is
sent the usual confirmation mail and follows once it is confirmed.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sampan.core import pagecache

from . import services
from .models import Follower

EMAIL_COLUMNS = ("email", "email_address", "email address", "subscriber email", "user_email", "mail")
DATE_COLUMNS = ("date_subscribed", "subscribed", "subscription_date", "date", "since", "subscribed_at")
STATUS_COLUMNS = ("status", "email subscription", "email_subscription", "subscription_status")
SKIPPED_STATUSES = ("not confirmed", "unconfirmed", "pending", "unsubscribed", "not sending", "blocked")
EXPORT_COLUMNS = [
    "email",
    "status",
    "frequency",
    "source",
    "followed",
    "confirmed",
    "unsubscribed",
    "hard_bounces",
]


class ImportRefused(ValueError):
    """The file is not a subscriber list we can read; the message says why."""


@dataclass
class ImportReport:
    added: int = 0
    already: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _column(header: list[str], names: Iterable[str]) -> int | None:
    lowered = [h.strip().lower().lstrip("\ufeff") for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def _when(text: str) -> datetime | None:
    text = text.strip()
    moment = parse_datetime(text.replace(" ", "T", 1)) if text else None
    if moment is None and text:
        day = parse_date(text[:10])
        moment = datetime(day.year, day.month, day.day) if day else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def import_followers(source: IO[str], *, confirmed: bool) -> ImportReport:
    rows = csv.reader(source)
    header = next(rows, None)
    email_at = _column(header or [], EMAIL_COLUMNS)
    if header is None or email_at is None:
        raise ImportRefused("no email column found (expected a header such as 'email' or 'email_address')")
    date_at, status_at = _column(header, DATE_COLUMNS), _column(header, STATUS_COLUMNS)
    report = ImportReport()
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if (
            status_at is not None
            and len(row) > status_at
            and row[status_at].strip().lower() in SKIPPED_STATUSES
        ):
            report.skipped += 1
            continue
        try:
            email = services.normalize_email(row[email_at] if len(row) > email_at else "")
        except services.FollowRefused as err:
            report.skipped += 1
            report.problems.append(f"line {line}: {err}")
            continue
        since = _when(row[date_at]) if date_at is not None and len(row) > date_at else None
        report_one(report, email, since, confirmed=confirmed)
    if report.added and confirmed:
        pagecache.invalidate()  # the widget's count
    return report


def report_one(report: ImportReport, email: str, since: datetime | None, *, confirmed: bool) -> None:
    if Follower.objects.filter(email=email).exists():
        report.already += 1
        return
    if not confirmed:
        services.request_follow(email=email, source=Follower.Source.IMPORT)
        report.added += 1
        return
    with transaction.atomic():
        Follower.objects.create(
            email=email, status=Follower.Status.CONFIRMED, source=Follower.Source.IMPORT,
            created_at=since or timezone.now(), confirmed_at=since or timezone.now(),
        )  # fmt: skip
    report.added += 1


def _cell(value: object) -> str:
    text = "" if value is None else (value.isoformat() if isinstance(value, datetime) else str(value))
    # A spreadsheet would run a cell starting like a formula (an address may start with = or +).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_rows(followers: Iterable[Follower]) -> Iterator[list[str]]:
    yield EXPORT_COLUMNS
    for f in followers:
        yield [_cell(v) for v in (
            f.email, f.status, f.frequency, f.source, f.created_at, f.confirmed_at, f.unsubscribed_at, f.hard_bounces,
        )]  # fmt: skip
