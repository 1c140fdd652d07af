"""Unique visitors without identifying anyone: a keyed hash of (the day's secret, address, user agent, site).

The secret is random, made for each day of the site's time zone, shared by every process through the database,
and deleted by the roll-up once the day is over (`forget_old_secrets`). Until then, the same reader gets the
same hash all day; afterwards, the hashes cannot be tied to an address, not even by trying every address.
"""

import functools
import hashlib
import secrets
import threading
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction

from . import geo

_lock = threading.Lock()
# When the current day ends (a timestamp), and (the day, its secret): one tuple, replaced whole, so a request
# thread reads both at once without a lock (`recorder._turn` hands them to the tally, which checks the time).
current: tuple[float, tuple[date, bytes] | None] = (0.0, None)


def day_of(timestamp: float) -> date:
    return datetime.fromtimestamp(timestamp, ZoneInfo(settings.TIME_ZONE)).date()


def _secret_for(day: date) -> bytes:
    from .models import DailySecret  # here, not at the top: wsgi.py imports this before Django is set up

    found = DailySecret.objects.filter(day=day).values_list("secret", flat=True).first()
    if found is not None:
        return bytes(found)
    try:
        with transaction.atomic():
            DailySecret.objects.create(day=day, secret=secrets.token_bytes(32))
    except IntegrityError:
        pass  # another process made it first: use theirs
    return bytes(DailySecret.objects.values_list("secret", flat=True).get(day=day))


def today(now: float) -> tuple[date, bytes]:
    """The current local day and its secret, read from the database once per day per process."""
    global current
    ends, known = current
    if known is not None and now < ends:
        return known
    with _lock:
        day = day_of(now)
        zone = ZoneInfo(settings.TIME_ZONE)
        ends = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone).timestamp()
        secret = _secret_for(day)
        if known is None or secret != known[1]:
            visitor_hex.cache_clear()  # a new day: what was remembered for the old one goes from memory too
            geo.country_of.cache_clear()
        pair = (day, secret)
        current = (ends, pair)
    return pair


@functools.lru_cache(maxsize=16384)
def visitor_hex(secret: bytes, address: str, agent: str, site: str) -> str:
    """The hash as the spool writes it; remembered, as a reader asks for several pages in a row."""
    return f"{visitor_hash(secret, address, agent, site):x}"


@functools.lru_cache(maxsize=8)
def iso(day: date) -> str:
    return day.isoformat()


def visitor_hash(secret: bytes, address: str, agent: str, site: str) -> int:
    """A signed 64-bit number (what the raw table stores); BLAKE2b with the day's secret as its key."""
    digest = hashlib.blake2b(
        f"{address}\0{agent}\0{site}".encode("utf-8", "surrogateescape"), key=secret, digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def forget_old_secrets(*, before: date) -> int:
    from .models import DailySecret

    deleted, _ = DailySecret.objects.filter(day__lt=before).delete()
    return deleted


def reset() -> None:
    """Forget this process's copy (tests, and after the secret was deleted under a running process)."""
    global current
    current = (0.0, None)


# The clock counting reads (tests move it): time.time itself, no Python call of its own (it runs per request).
now = time.time
