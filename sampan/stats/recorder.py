"""Counting page views in the server itself, cached pages included, with no cookie and no address kept.

`count_view` is told of every answer: by the page cache's fast path for pages it answers from the cache (its
`count` hook, see `sampan/wsgi.py`), so a cached page is counted like one Django rendered, and by
`CountingMiddleware` for Django's answers (only Django knows whether the reader is the site's own staff). It only
notes the few fields counting needs (a tuple, appended to the process's spool writer): no database write, no
parsing, no hashing. `spool_lines` does the rest for a batch, within a second and before anything reaches the
disk: robots and prefetches are left out, the address becomes a keyed hash, the referrer its domain; alike
requests become one line and their count.
"""

import logging
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
    only keeps the few fields counting needs (a tuple, appended to the process's spool writer)."""
    if served[0] in COUNTED_CODES and environ.get("REQUEST_METHOD") == "GET":
        path = environ.get("PATH_INFO", "")
        if path.startswith(NOT_PAGES):
            return
        try:
            # The day and its secret now (the secret may need the database, which only request threads use);
            # everything else later, in a batch (`spool_lines`).
            ends, day = visitor.current
            now = visitor.now()
            if now >= ends:
                day = visitor.today(now)
            writer.add((day, path, served, *map(environ.get, NOTED)))
        except Exception:  # counting must never cost a reader their page
            log.exception("Could not count a view of %r", path[:200])


def view_counter() -> Callable[[dict[str, Any], tuple[str, str]], None] | None:
    """The page cache's `count` hook: `count_view`, or None when counting is off."""
    return count_view if settings.STATS_ENABLED else None


# The request headers counting needs, in the order `_line` reads them (missing ones are None).
NOTED = (
    "HTTP_USER_AGENT", "HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_REFERER", "REMOTE_ADDR", "HTTP_X_FORWARDED_FOR",
    "HTTP_SEC_GPC", "HTTP_DNT", "HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_MOZ",
)  # fmt: skip


def spool_lines(views: list[tuple]) -> bytes:
    """The spool lines of the views worth counting, for a batch noted by `count_view`: requests alike in every
    field noted (the same reader asking for the same page again) are worked out once and written as one line with
    their count."""
    site = _site_host()
    countries = geo.database_path() is not None
    lines = []
    for view, count in Tally(views).items():
        try:
            line = _line(view, site, countries)
        except Exception:  # one odd request must not cost the batch its views
            log.exception("Could not count a view of %r", str(view[1])[:200])
            continue
        if line:
            lines.append(f"{line}\t{count}\n")
    return "".join(lines).encode("utf-8", "replace")


def _line(view: tuple, site: str, countries: bool) -> str:
    (day, secret), path, (code, content_type), agent, accept, language, referer, *rest = view
    peer, forwarded, gpc, dnt, sec, purpose, moz = rest
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
