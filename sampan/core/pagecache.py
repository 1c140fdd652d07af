"""The anonymous page cache.

Readers without a session get pages from the shared Django cache (file, database or Redis: never per-process
memory, so every server process, the worker and CLI commands see the same entries). Invalidation is one
generation token: anything that changes what a page shows calls `invalidate()`, and every cached page made
under an older generation stops counting at once, in every process.

Two halves: `PageCacheMiddleware` stores finished anonymous responses; `FastPathApp` wraps the WSGI
application and answers from the cache before Django's request machinery runs at all.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "pagecache:generation"
# Requests carrying any of these cookies may see something personal: never answer them from the cache.
PERSONAL_COOKIES = ("sessionid", "sampan_")


def invalidate() -> None:
    """Forget every cached page (all processes); call after any change a reader could see."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def current_generation() -> str:
    gen = cache.get(GENERATION_KEY)
    if gen is None:
        gen = uuid.uuid4().hex
        cache.add(GENERATION_KEY, gen, None)
        gen = cache.get(GENERATION_KEY, gen)
    return str(gen)


def _page_key(path: str) -> str:
    return "pagecache:page:" + hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()


def _is_personal(cookie_header: str) -> bool:
    return any(name in cookie_header for name in PERSONAL_COOKIES)


def mark_uncacheable(response: HttpResponse) -> HttpResponse:
    """For pages that depend on who asks (a password form, a preview)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        generation = current_generation()
        response = self.get_response(request)
        if self._storable(request, response):
            headers = [
                (k, v)
                for k, v in response.items()
                if k.lower() not in {"set-cookie", "vary", "content-length"}
            ]
            etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
            headers.append(("ETag", etag))
            response.headers["ETag"] = etag
            entry = (generation, response.status_code, headers, response.content)
            cache.set(_page_key(request.path), entry, settings.PAGE_CACHE_SECONDS)
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method == "GET"
            and not request.META.get("QUERY_STRING")
            and not _is_personal(request.META.get("HTTP_COOKIE", ""))
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.headers.get("Cache-Control", "")
            and not getattr(request, "_messages", None)
        )


class FastPathApp:
    """WSGI wrapper: answer cached anonymous GET/HEAD requests without running Django's request cycle."""

    def __init__(self, app: Callable[..., Iterable[bytes]]):
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if (
            method in ("GET", "HEAD")
            and not environ.get("QUERY_STRING")
            and not _is_personal(environ.get("HTTP_COOKIE", ""))
            and settings.PAGE_CACHE_SECONDS > 0
        ):
            path = environ.get("PATH_INFO", "/").encode("latin-1", "replace").decode("utf-8", "replace")
            found = cache.get_many([GENERATION_KEY, _page_key(path)])
            entry = found.get(_page_key(path))
            if entry is not None and entry[0] == found.get(GENERATION_KEY):
                _, status, headers, body = entry
                etag = next((v for k, v in headers if k == "ETag"), None)
                if etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
                    start_response("304 Not Modified", [("ETag", etag)])
                    return [b""]
                start_response(
                    f"{status} OK", [*headers, ("Content-Length", str(len(body))), ("X-Sampan-Cache", "hit")]
                )
                return [b"" if method == "HEAD" else body]
        return self.app(environ, start_response)
