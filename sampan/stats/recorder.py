"""Counting page views in the server itself, cached pages included, with no cookie and no address kept.

`CountingApp` wraps the whole WSGI application (outside the page cache's fast path, see `sampan/wsgi.py`), so a
page answered from the cache is counted like one Django rendered. It looks at the request and the status and
content type of the answer, and appends one line to the spool: no database write during the request.
`OwnVisitsMiddleware` tells it when the reader is the site's own staff (only Django knows who is signed in).
"""

import logging
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sampan.core import ratelimit

from . import classify, spool, visitor

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
                    count(environ, path, seen[-1] if code == "200" else _REVALIDATED)
                except Exception:  # counting must never cost a reader their page
                    log.exception("Could not count a view of %r", path[:200])
        return result


# A 304 to a browser that asks for HTML is a reader seeing the page again (a reload, a return visit): a view.
_REVALIDATED = [("Content-Type", "text/html; revalidated")]


def _content_type(headers: list[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return ""


def count(environ: dict[str, Any], path: str, headers: list[tuple[str, str]]) -> None:
    content_type = _content_type(headers)
    agent = environ.get("HTTP_USER_AGENT", "")
    if content_type == "text/html; revalidated" and "text/html" not in environ.get("HTTP_ACCEPT", ""):
        return  # a script or a feed reader revalidating: not a reader's page view
    if content_type.startswith("text/html"):
        if classify.is_robot(environ, agent) or classify.is_prefetch(environ):
            return
        kind, source, subscribers = "p", "", None
    elif "xml" in content_type and "/feed/" in path:
        kind = "f"
        source, subscribers = classify.feed_reader(agent)
    else:
        return
    day, secret = visitor.today(visitor.now())
    site = _site_host()
    hashed = ""
    if not classify.asks_not_to_be_tracked(environ):
        hashed = visitor.visitor_hex(secret, ratelimit.reader_address(environ), agent, site)
    referrer = classify.referrer_domain(environ.get("HTTP_REFERER", ""), site) if kind == "p" else ""
    clean_path = path[:MAX_PATH].translate(_NO_SEPARATORS)
    if source:
        source = source.translate(_NO_SEPARATORS)
    line = f"{visitor.iso(day)}\t{kind}\t{clean_path}\t{referrer}\t{hashed}\t{source}\t{'' if subscribers is None else subscribers}\n"
    spool.writer.write(line.encode("utf-8", "replace"))


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
