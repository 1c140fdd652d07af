"""Counting page views in the server itself, cached pages included, with no cookie and no address kept.

`count_view` is told of every answer: by the page cache's fast path for pages it answers from the cache (its
`count` hook, see `sampan/wsgi.py`), so a cached page is counted like one Django rendered, and by
`CountingMiddleware` for Django's answers (only Django knows whether the reader is the site's own staff). It only
copies out the few request fields counting needs, into a tuple waiting in the process's spool writer: no
database write, no parsing, no hashing, not even a test. `spool_lines` does the rest for a batch, within a
second and before anything reaches the disk: what was not a page view is left out (other status codes and
methods, the admin and static files, robots, prefetches), the address becomes a keyed hash, the referrer its
domain; alike requests become one line and their count.
"""

import logging
import operator
from collections import Counter as Tally
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sampan.core import ratelimit
from sampan.core.pagecache import COUNT_HOOK

from . import classify, geo, spool, visitor

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


def count_view(environ: dict[str, Any], served: tuple[str, str]) -> None:
    """Notes a request for counting, given what was answered (status code, content type): called by the page
    cache's fast path for its answers and by `CountingMiddleware` for Django's. Runs on every request, so it
    only copies out the request fields counting needs, as they are, and leaves them waiting for the next batch
    (`spool_lines`), which decides what was a page view."""
    try:
        # The day and its secret now (the secret may need the database, which only request threads use).
        ends, day = visitor.current
        if visitor.now() >= ends:
            day = visitor.today(visitor.now())
        try:
            usual = _USUAL(environ)
        except KeyError:  # no browser sends this request
            usual = tuple(map(environ.get, USUAL))
        _waiting.append((day, served, usual, *map(environ.get, OTHERS)))
        if len(_waiting) >= spool.BATCH or not writer.started:
            writer.take_turn()
    except Exception:  # counting must never cost a reader their page
        log.exception("Could not count a view of %r", str(environ.get("PATH_INFO"))[:200])


def view_counter() -> Callable[[dict[str, Any], tuple[str, str]], None] | None:
    """The page cache's `count` hook: `count_view`, or None when counting is off."""
    return count_view if settings.STATS_ENABLED else None


# The request fields counting needs. Every request from a browser has the first six (WSGI gives the method,
# path and address), so they are taken in one go; the others are often missing (None).
USUAL = (
    "REQUEST_METHOD", "PATH_INFO", "REMOTE_ADDR", "HTTP_USER_AGENT", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE",
)  # fmt: skip
OTHERS = (
    "HTTP_REFERER", "HTTP_X_FORWARDED_FOR", "HTTP_SEC_GPC", "HTTP_DNT", "HTTP_SEC_PURPOSE", "HTTP_PURPOSE",
    "HTTP_X_MOZ",
)  # fmt: skip
_USUAL = operator.itemgetter(*USUAL)


def spool_lines(views: list[tuple]) -> bytes:
    """The spool lines of the page views in a batch noted by `count_view`: requests alike in every field noted
    (the same reader asking for the same page again) are worked out once and written as one line with their
    count."""
    site = _site_host()
    countries = geo.database_path() is not None
    lines = []
    for view, count in Tally(views).items():
        try:
            line = _line(view, site, countries)
        except Exception:  # one odd request must not cost the batch its views
            log.exception("Could not count a view of %r", str(view[2][1])[:200])
            continue
        if line:
            lines.append(f"{line}\t{count}\n")
    return "".join(lines).encode("utf-8", "replace")


def _line(view: tuple, site: str, countries: bool) -> str:
    (day, secret), (code, content_type), (method, path, peer, agent, accept, language), *rest = view
    referer, forwarded, gpc, dnt, sec, purpose, moz = rest
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


writer = spool.SpoolWriter(prepare=spool_lines)
_waiting = writer.waiting  # the same deque for the process's life (a forked child empties it)


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
