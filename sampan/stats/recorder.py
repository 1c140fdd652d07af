"""Counting page views in the server itself, cached pages included, with no cookie and no address kept.

`count_view` is told of every answer: by the page cache's fast path for pages it answers from the cache (its
`count` hook, see `sampan/wsgi.py`), so a cached page is counted like one Django rendered, and by
`CountingMiddleware` for Django's answers (only Django knows whether the reader is the site's own staff).

`count_view` is a tally. It copies out the few request fields counting needs (FIELDS) and counts alike views
together: no database write, no parsing, no hashing of the address, not even a test of what was asked. Built
with a C compiler, it is `_fastcount.Tally`, which does that in C while the request's strings are still in the
processor's cache, so alike views (the same reader asking for the same page again) share one entry at once and
the request's strings are freed. Without one it is `CopyingTally`, the same in Python, which copies the fields
now and groups alike views in the batch. `spool_lines` does the rest for a batch, within a second and before
anything reaches the disk: what was not a page view is left out (other status codes and methods, the admin and
static files, robots, prefetches), the address becomes a keyed hash, the referrer its domain; alike views become
one line and their count.
"""

import logging
import operator
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sampan.core import ratelimit
from sampan.core.pagecache import COUNT_HOOK

from . import classify, geo, spool, visitor

try:
    from ._fastcount import Tally as FastTally
except ImportError:  # built without a C compiler: CopyingTally counts the same, in Python
    FastTally = None  # type: ignore[assignment,misc]

NOT_PAGES = (
    "/admin/",
    "/static/",
    "/media/",
    "/api/",
    "/xmlrpc.php",
    "/likes/",
    "/favicon.ico",
    "/robots.txt",
)
MAX_PATH = 300
COUNTED_CODES = frozenset(("200", "304"))  # a page, or a browser's copy of it still good
log = logging.getLogger(__name__)

# The request fields counting needs. Every request from a browser has the first six (WSGI gives the method,
# path and address); the referrer and a proxy's X-Forwarded-For are common; the last five are rare.
FIELDS = (
    "REQUEST_METHOD", "PATH_INFO", "REMOTE_ADDR", "HTTP_USER_AGENT", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE",
    "HTTP_REFERER", "HTTP_X_FORWARDED_FOR",
    "HTTP_SEC_GPC", "HTTP_DNT", "HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ",
)  # fmt: skip
# What a tally's `take()` gives: {(day and secret, (status code, content type), *FIELDS' values): [count]}.
Taken = dict[tuple, list[int]]


class CopyingTally:
    """`_fastcount.Tally` in Python, for a Sampan built without a C compiler: the same calls, the same counts.

    Grouping alike views at request time would need a lock in Python, so a view's fields are copied into a
    tuple that waits, and `take()` groups them. The copy is as cheap as Python allows: which fields a request has
    (its shape) decides how, in one C call (`operator.itemgetter`) for the usual ones."""

    # Shapes 0-3: the usual six, then the referrer (1) and X-Forwarded-For (2) if the request has them; ANY_SHAPE
    # is all of FIELDS, missing ones as None (a request with a rare header, or missing a usual one).
    SHAPES = (FIELDS[:6], (*FIELDS[:6], FIELDS[6]), (*FIELDS[:6], FIELDS[7]), FIELDS[:8], FIELDS)
    ANY_SHAPE = len(SHAPES) - 1
    _COPY = [operator.itemgetter(*names) for names in SHAPES[:ANY_SHAPE]]

    def __init__(self, fields: tuple[str, ...], batch: int, turn: Callable[[bool], None]) -> None:
        assert fields == FIELDS, "the shapes are made for FIELDS"
        self.batch, self.turn = batch, turn
        self.clock: Callable[[], float] | None = None  # None: the system clock
        self._day: tuple[float, Any] = (0.0, None)  # (when the day ends, the day and its secret): one read
        self._waiting: deque[tuple] = deque()

    def __call__(self, environ: dict[str, Any], served: tuple[str, str]) -> None:
        try:
            ends, day = self._day
            if (self.clock or time.time)() >= ends:
                self.turn(True)
                day = self._day[1]
            if (
                "HTTP_SEC_GPC" in environ
                or "HTTP_DNT" in environ
                or "HTTP_SEC_PURPOSE" in environ
                or ("HTTP_PURPOSE" in environ or "HTTP_X_MOZ" in environ)
            ):
                shape, fields = self.ANY_SHAPE, tuple(map(environ.get, FIELDS))
            else:
                shape = ("HTTP_REFERER" in environ) + 2 * ("HTTP_X_FORWARDED_FOR" in environ)
                try:
                    fields = self._COPY[shape](environ)
                except KeyError:  # no browser sends this request
                    shape, fields = self.ANY_SHAPE, tuple(map(environ.get, FIELDS))
            self._waiting.append((day, served, shape, fields))
            if len(self._waiting) >= self.batch:
                self.turn(False)
        except Exception:  # counting must never cost a reader their page
            log.exception("Could not count a view of %r", str(environ.get("PATH_INFO"))[:200])

    def set_day(self, ends: float, day: Any) -> None:
        self._day = (ends, day)

    @property
    def waiting(self) -> int:
        """How many views wait (the C tally: how many different views)."""
        return len(self._waiting)

    def take(self) -> Taken:
        waiting = self._waiting
        views = [waiting.popleft() for _ in range(len(waiting))]
        taken: Taken = {}
        for (day, served, shape, copied), count in Counter(views).items():
            if shape != self.ANY_SHAPE:
                found = dict(zip(self.SHAPES[shape], copied, strict=True))
                copied = tuple(map(found.get, FIELDS))
            taken.setdefault((day, served, *copied), [0])[0] += count
        return taken


def _turn(new_day: bool) -> None:
    """Called by the tally on its first view and when the day is over (`new_day`), and when BATCH different
    views wait."""
    try:
        if new_day:
            # The day and its secret (the secret may need the database, which only request threads use).
            visitor.today(visitor.now())
            ends, day = visitor.current
            count_view.set_day(ends, day)
        writer.take_turn()
    except Exception:  # counting must never cost a reader their page
        log.exception("Stats: could not start counting the day's views")


count_view: "FastTally | CopyingTally" = (CopyingTally if FastTally is None else FastTally)(
    FIELDS, spool.BATCH, _turn
)


def reset() -> None:
    """Forget the day the tally counts in, with `visitor.reset()` (tests; a secret deleted under a running
    process)."""
    visitor.reset()
    count_view.set_day(0.0, None)


def view_counter() -> Callable[[dict[str, Any], tuple[str, str]], None] | None:
    """The page cache's `count` hook: `count_view`, or None when counting is off."""
    return count_view if settings.STATS_ENABLED else None


def spool_lines(taken: Taken) -> bytes:
    """The spool lines of the views a tally counted: views alike in every field copied are worked out once and
    written as one line with their count."""
    site = _site_host()
    countries = geo.database_path() is not None
    lines = []
    for view, (count,) in taken.items():
        try:
            line = _line(view, site, countries)
        except Exception:  # one odd request must not cost the batch its views
            log.exception("Could not count a view of %r", str(view[3])[:200])
            continue
        if line:
            lines.append(f"{line}\t{count}\n")
    return "".join(lines).encode("utf-8", "replace")


def _line(view: tuple, site: str, countries: bool) -> str:
    day_and_secret, (code, content_type), *copied = view
    if day_and_secret is None:  # the day could not be known (the database was down): not countable
        return ""
    day, secret = day_and_secret
    method, path, peer, agent, accept, language, referer, forwarded, gpc, dnt, sec, purpose, moz = copied
    if code not in COUNTED_CODES or method != "GET" or path is None or path.startswith(NOT_PAGES):
        return ""
    feed = "xml" in content_type and "/feed/" in path
    if code == "304" and not feed:  # (a feed reader revalidating its copy is a fetch, below)
        if accept is None or "text/html" not in accept:
            return ""  # a script revalidating: not a reader's page view
        content_type = "text/html"  # a browser asking for HTML sees the page again (a reload, a return visit)
    if content_type.startswith("text/html"):
        if not agent or accept is None or language is None or classify.agent_is_robot(agent):
            return ""
        if (sec or purpose or moz) and classify.is_prefetch_purpose(f"{sec}{purpose}{moz}"):
            return ""
        kind, source, subscribers = "p", "", ""
        referrer = classify.referrer_domain(referer, site) if referer else ""
    elif feed:
        kind, referrer = "f", ""
        source, count = classify.feed_reader(agent or "")
        subscribers = "" if count is None else str(count)
        if source:
            source = source.translate(_NO_SEPARATORS)
    else:
        return ""
    hashed = country = ""
    if (gpc is None and dnt is None) or not classify.opted_out(gpc, dnt):
        # The rule for which address is the reader's lives in core; without a proxy header it is the peer's.
        address = (
            ratelimit.reader_address({"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded})
            if forwarded
            else peer
        )
        hashed = visitor.visitor_hex(secret, address or "", agent or "", site)
        if countries and kind == "p":
            country = geo.country_of(address or "")
    path = path[:MAX_PATH]
    if not path.isprintable():
        path = path.translate(_NO_SEPARATORS)
    return f"{visitor.iso(day)}\t{kind}\t{path}\t{referrer}\t{hashed}\t{source}\t{subscribers}\t{country}"


# (`count_view` looked up at each call: tests count with either tally.)
writer = spool.SpoolWriter(
    take=lambda: count_view.take(), waiting=lambda: count_view.waiting, prepare=spool_lines
)


_NO_SEPARATORS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
_site: list[str] = []


def _site_host() -> str:
    if not _site:
        _site.append((urlsplit(settings.SITE_URL).hostname or "").lower())
    return _site[0]


class CountingMiddleware:
    """Counts what Django answered with the hook the page cache's fast path passed on (it counts its own answers
    itself), unless the reader is the site's own staff: the owner's own visits are not counted. First in the
    middleware list, so it sees the response as it goes out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The hook the page cache's fast path passed on (none when counting is off, or for requests that did not
        # come through the server's WSGI application, such as the test client's).
        count = request.META.get(COUNT_HOOK)
        if count is not None:
            # Only a request with a session can be staff; asking costs a query, so readers without one skip it.
            user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
            if user is None or not (user.is_authenticated and user.is_staff):
                count(request.META, (str(response.status_code), response.headers.get("Content-Type", "")))
        return response
