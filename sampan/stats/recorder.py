"""Counting page views in the server itself, cached pages included, with no cookie and no address kept.

`CountingApp` wraps the whole WSGI application (outside the page cache's fast path, see `sampan/wsgi.py`), so a
page answered from the cache is counted like one Django rendered. During the request it only notes the few
fields counting needs (a tuple, appended to the process's spool writer): no database write, no parsing, no
hashing. `spool_lines` does the rest for a batch, within a second and before anything reaches the disk: robots
and prefetches are left out, the address becomes a keyed hash, the referrer its domain; alike requests become one
line and their count.
`OwnVisitsMiddleware` tells it when the reader is the site's own staff (only Django knows who is signed in).
"""

import logging
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sampan.core import ratelimit

from . import classify, geo, spool, visitor

STAFF_MARK = "sampan.stats.own_visit"
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
log = logging.getLogger(__name__)


class CountingApp:
    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app
        self.enabled = settings.STATS_ENABLED  # read once: this runs on every request

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not self.enabled or environ.get("REQUEST_METHOD") != "GET" or path.startswith(NOT_PAGES):
            return self.app(environ, start_response)
        seen: list[Any] = []

        def watch(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.append(status)
            seen.append(headers)
            return start_response(status, headers, exc_info)

        result = self.app(environ, watch)
        if seen and STAFF_MARK not in environ:
            code = seen[-2][:3]
            if code == "200" or code == "304":
                try:
                    get = environ.get
                    # The day and its secret now (the secret may need the database, which only request
                    # threads use); everything else later, in a batch (`spool_lines`).
                    writer.add(
                        (
                            visitor.today(visitor.now()), path, code, _content_type(seen[-1]), get("HTTP_USER_AGENT"),
                            get("HTTP_ACCEPT"), get("HTTP_ACCEPT_LANGUAGE"), get("HTTP_REFERER"),
                            get("REMOTE_ADDR"), get("HTTP_X_FORWARDED_FOR"), get("HTTP_SEC_GPC"), get("HTTP_DNT"),
                            get("HTTP_SEC_PURPOSE"), get("HTTP_PURPOSE"), get("HTTP_X_MOZ"),
                        )
                    )  # fmt: skip
                except Exception:  # counting must never cost a reader their page
                    log.exception("Could not count a view of %r", path[:200])
        return result


def spool_lines(views: list[tuple]) -> bytes:
    """The spool lines of the views worth counting, for a batch noted by `CountingApp`: requests alike in every
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
    (day, secret), path, code, content_type, agent, accept, language, referer, *rest = view
    peer, forwarded, gpc, dnt, sec, purpose, moz = rest
    if code == "304":
        if accept is None or "text/html" not in accept:
            return ""  # a script or a feed reader revalidating: not a reader's page view
        content_type = "text/html"  # a browser asking for HTML sees the page again (a reload, a return visit)
    if content_type.startswith("text/html"):
        if not agent or accept is None or language is None or classify.agent_is_robot(agent):
            return ""
        if (sec or purpose or moz) and classify.is_prefetch_purpose(f"{sec}{purpose}{moz}"):
            return ""
        kind, source, subscribers = "p", "", ""
        referrer = classify.referrer_domain(referer, site) if referer else ""
    elif "xml" in content_type and "/feed/" in path:
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


def _content_type(headers: list[tuple[str, str]]) -> str:
    # Only strings are kept from the request: a view waiting in memory must not hold lists the garbage
    # collector would have to walk (holding the headers cost more than all the rest of counting).
    for name, value in headers:
        if name == "Content-Type" or name.lower() == "content-type":
            return value
    return ""


_NO_SEPARATORS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
_site: list[str] = []


def _site_host() -> str:
    if not _site:
        _site.append((urlsplit(settings.SITE_URL).hostname or "").lower())
    return _site[0]


class OwnVisitsMiddleware:
    """Marks requests of signed-in staff, so the owner's own visits are not counted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only a request with a session can be staff; asking costs a query, so readers without one skip it.
        user = getattr(request, "user", None) if settings.SESSION_COOKIE_NAME in request.COOKIES else None
        if user is not None and user.is_authenticated and user.is_staff:
            request.META[STAFF_MARK] = True
        return response
