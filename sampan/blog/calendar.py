"""The monthly calendar widget: a month's grid with days that have posts, and links to the months around it."""

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.db.models import Count
from django.db.models.functions import TruncDate, TruncMonth
from django.urls import reverse
from django.utils import timezone

from .models import Post


@dataclass(frozen=True)
class Day:
    number: int  # 0 for the blanks before the 1st and after the last day
    url: str = ""
    is_today: bool = False
    post_count: int = 0
    label: str = ""


@dataclass(frozen=True)
class MonthLink:
    year: int
    month: int

    @property
    def url(self) -> str:
        return reverse("blog:month", kwargs={"year": f"{self.year:04d}", "month": f"{self.month:02d}"})

    @property
    def label(self) -> str:
        return date(self.year, self.month, 1).strftime("%b")

    @property
    def full_label(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")


@dataclass(frozen=True)
class MonthCalendar:
    year: int
    month: int
    weeks: list[list[Day]]
    previous: MonthLink | None
    next: MonthLink | None

    @property
    def caption(self) -> str:
        return date(self.year, self.month, 1).strftime("%B %Y")

    @property
    def weekday_names(self) -> list[tuple[str, str]]:
        """(initial, full name) pairs, Monday first, as WordPress shows them by default."""
        return [(name[0], name) for name in stdlib_calendar.day_name]


# The outermost moments a database can store once turned into UTC (year 1 in Auckland is year 0 in UTC).
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)


def local_midnight(day: date) -> datetime:
    """The start of `day` in the site's time zone, kept inside the range the database can store."""
    moment = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return min(max(moment, EARLIEST), LATEST)


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month's start and end in the site's time zone, as aware datetimes."""
    start = local_midnight(date(year, month, 1))
    if (year, month) == (9999, 12):
        return start, LATEST
    return start, local_midnight(date(year + month // 12, month % 12 + 1, 1))


def calendar_for_month(year: int, month: int, *, today: date | None = None) -> MonthCalendar:
    today = today or timezone.localdate()
    start, end = month_bounds(year, month)
    live = Post.objects.posts().live()
    counts: dict[date, int] = {}
    rows = (
        live.filter(published_at__gte=start, published_at__lt=end)
        .annotate(day=TruncDate("published_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", flat=True)
    )
    for day in rows:
        counts[day] = counts.get(day, 0) + 1
    weeks = []
    for week in stdlib_calendar.Calendar(firstweekday=0).monthdayscalendar(year, month):
        cells = []
        for number in week:
            this = date(year, month, number) if number else None
            count = counts.get(this, 0) if this else 0
            url = (
                reverse(
                    "blog:day",
                    kwargs={"year": f"{year:04d}", "month": f"{month:02d}", "day": f"{number:02d}"},
                )
                if count
                else ""
            )
            label = f"{this:%B} {number}, {year}" if this else ""
            cells.append(Day(number=number, url=url, is_today=this == today, post_count=count, label=label))
        weeks.append(cells)
    earlier = (
        live.filter(published_at__lt=start).order_by("-published_at").values_list("published_at", flat=True)
    )
    later = live.filter(published_at__gte=end).order_by("published_at").values_list("published_at", flat=True)
    return MonthCalendar(
        year=year,
        month=month,
        weeks=weeks,
        previous=_month_link(earlier.first()),
        next=_month_link(later.first()),
    )


def _month_link(moment: datetime | None) -> MonthLink | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return MonthLink(local.year, local.month)


def months_with_posts() -> list[tuple[MonthLink, int]]:
    """Every month that has live posts, newest first, with its count: the monthly archive list."""
    rows = (
        Post.objects.posts()
        .live()
        .annotate(month=TruncMonth("published_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("-month")
    )
    return [(MonthLink(row["month"].year, row["month"].month), row["n"]) for row in rows]
