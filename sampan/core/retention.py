"""How long the site keeps records about readers and its own traffic, one named period each.

The owner chooses the periods in the admin (the privacy app's Retention settings); core imports no app, so the
privacy app hands core a function that reads them (`use_source`), and the purge tasks ask here. Without that
source (or for a period it does not name) the defaults below apply.
"""

from collections.abc import Callable, Mapping
from datetime import timedelta

from django.conf import settings

# name: (default days, what is kept) — the descriptions appear on the generated privacy page.
PERIODS: dict[str, tuple[int, str]] = {
    "spam_and_trash": (30, "comments marked spam or moved to the trash"),
    "client_hashes": (30, "the keyed hash of a commenter's network address, used for rate limits"),
    "raw_stats": (7, "single page views (before they are added up into daily counts)"),
    "mention_requests": (90, "records of incoming pingback, trackback and webmention requests"),
    "outbound_requests": (90, "the ledger of requests this server made to other sites"),
}

_source: list[Callable[[], Mapping[str, int]]] = []


def use_source(source: Callable[[], Mapping[str, int]]) -> None:
    """Where the owner's periods come from (called once, by the privacy app when it is ready)."""
    _source[:] = [source]


def default_days(name: str) -> int:
    # Raw stats have had their own setting from the start (SAMPAN_STATS_RAW_DAYS); it stays the default.
    return settings.STATS_RAW_DAYS if name == "raw_stats" else PERIODS[name][0]


def days(name: str) -> int:
    default = default_days(name)
    if not _source:
        return default
    chosen = _source[0]().get(name)
    return chosen if chosen is not None and chosen > 0 else default


def keep_for(name: str) -> timedelta:
    return timedelta(days=days(name))


def all_days() -> dict[str, int]:
    return {name: days(name) for name in PERIODS}
