"""The anonymous page cache.

Readers without a session get pages from a cache shared by every process (never per-process memory, so every
server process, the worker and CLI commands see the same entries). Invalidation is one generation token:
anything that changes what a page shows calls `invalidate()`, and every cached page made under an older
generation stops counting at once, in every process.

Two halves: `PageCacheMiddleware` marks finished anonymous responses as cacheable; `FastPathApp` wraps the
WSGI application, stores what was marked (with the headers as they went out), and answers from the cache before
Django's request machinery runs at all.

Where pages live depends on the Django cache (docs/performance.md has the measurements):
- File cache (the default): plain files next to the Django cache, `pagecache-pages/<generation>/<key>`, each
  a small marshal head (status, headers, ETag, expiry) and the body as it goes on the wire. The current
  generation is the target of one symlink, `pagecache-current.djcache`, so a cached request costs one `open()`
  through it: no pickle, no zlib, no second lookup. `invalidate()` points the symlink at a fresh directory (an
  atomic rename) and deletes the old ones. The symlink's name ends like Django's cache files on purpose:
  clearing the Django cache (`cache.clear()`, or culling) removes it, which starts a new generation.
- Redis (django-redis, at scale): the generation and each page as raw bytes, both fetched in one MGET.
- Any other cache: the same entries through Django's cache API, generation under one key.
"""

import hashlib
import logging
import marshal
import os
import pickle
import random
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from redis.exceptions import RedisError

GENERATION_KEY = "pagecache:generation"
# Requests carrying any of these cookies may see something personal: never answer them from the cache.
PERSONAL_COOKIES = ("sessionid", "sampan_")
CURRENT_LINK = "pagecache-current.djcache"
PAGES_DIR = "pagecache-pages"
CACHE_HEADER = ("X-Sampan-Cache", "hit")
COUNT_HOOK = "sampan.count"  # where a request passed on to Django carries the fast path's `count` hook
WAITED = "sampan.waited_for_render"  # set on a request that waited for another thread to render its page
# How long a request waits for another thread's render of the same page before rendering it itself.
RENDER_WAIT_SECONDS = 5.0

log = logging.getLogger(__name__)


def invalidate() -> None:
    """Forget every cached page (all processes); call after any change a reader could see."""
    _store().invalidate()
    if transaction.get_connection().in_atomic_block:
        # A reader may render from the old, still-committed data until this transaction commits and store
        # that page under the new generation; a second bump at commit time forgets such pages too.
        transaction.on_commit(lambda: _store().invalidate())


def current_generation() -> str:
    return _store().generation()


def load_fragment(generation: str, name: str) -> Any:
    """A value `core.fragments` kept for this generation, or None. With the file store, fragments live in the
    generation's folder, so they go when it goes (no scan of old entries on every write)."""
    store = _store()
    if isinstance(store, _FileStore):
        blob = store.load(_fragment_key(name))
        return pickle.loads(blob) if blob else None  # noqa: S301 (our own files in the data folder)
    return cache.get(f"fragment:{generation}:{name}")


def save_fragment(generation: str, name: str, value: Any, *, timeout: int) -> None:
    store = _store()
    if isinstance(store, _FileStore):
        store.save(generation, _fragment_key(name), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    else:
        cache.set(f"fragment:{generation}:{name}", value, timeout)


def _fragment_key(name: str) -> str:
    return "fragment-" + hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()


def mark_uncacheable(response: HttpResponse) -> HttpResponse:
    """For pages that depend on who asks (a password form, a preview)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def page_key(environ: dict[str, Any]) -> str:
    """One cache entry per path (a WSGI environ or `request.META`); pages are stored for the site's own host."""
    where = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")
    return hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()


def _asks_for_the_site_host(environ: dict[str, Any]) -> bool:
    """Pages are stored only as rendered for SAMPAN_SITE_URL's host (any port): other names Django accepts
    (127.0.0.1, localhost) get the same page, and varying the Host header cannot fill the cache."""
    host, _ = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))
    return host == (urlsplit(settings.SITE_URL).hostname or "").lower()


def _may_be_personal(environ: dict[str, Any]) -> bool:
    cookies = environ.get("HTTP_COOKIE", "")
    return bool(
        "HTTP_AUTHORIZATION" in environ or (cookies and any(name in cookies for name in PERSONAL_COOKIES))
    )


def _encode(status: str, headers: list[tuple[str, str]], body: bytes, etag: str, expires: float) -> bytes:
    # marshal, not JSON or pickle: the head loads in about a microsecond and cannot run code. What a hit tells
    # its `count` hook, (status code, content type), is worked out once, here.
    content_type = next((value for name, value in headers if name.lower() == "content-type"), "")
    # Interned, marshal keeps them so: every hit then gets the very same two strings, cheap to compare and hash.
    served = (sys.intern(status[:3]), sys.intern(content_type))
    head = marshal.dumps((status, headers, etag, expires, served))
    return len(head).to_bytes(4, "little") + head + body


def _decode(blob: bytes) -> tuple[str, list[tuple[str, str]], str, bytes, tuple[str, str]] | None:
    """(status, headers, etag, body, served) of a live entry; None if it expired or is not one of ours."""
    size = int.from_bytes(blob[:4], "little")
    try:
        # Our own files in our own cache folder; marshal builds plain data and never runs code.
        status, headers, etag, expires, served = marshal.loads(blob[4 : 4 + size])  # noqa: S302
    except (ValueError, EOFError, TypeError):
        return None  # written by another Python version or an older Sampan, or damaged: render afresh
    if expires < time.time():
        return None
    return status, headers, etag, blob[4 + size :], served


class _FileStore:
    """Pages as files under the file cache's folder; the current generation is a symlink's target."""

    def __init__(self, location: str, max_entries: int):
        self.root = Path(location)
        self.link = self.root / CURRENT_LINK
        self.pages = self.root / PAGES_DIR
        self.current_prefix = str(self.link) + "/"
        self.max_entries = max_entries

    def generation(self) -> str:
        try:
            target = os.readlink(self.link)
        except FileNotFoundError:
            return self._start_generation()
        if not os.path.isdir(self.link):
            return self.invalidate()  # its folder was deleted under us: start afresh
        return os.path.basename(target)

    def _start_generation(self) -> str:
        generation = self._new_directory()
        try:
            os.symlink(f"{PAGES_DIR}/{generation}", self.link)
        except FileExistsError:
            shutil.rmtree(self.pages / generation, ignore_errors=True)  # another process was first
            return os.path.basename(os.readlink(self.link))
        self._remove_all_but(generation)  # pages left from before the link was removed (a cache clear)
        return generation

    def _new_directory(self) -> str:
        generation = uuid.uuid4().hex
        (self.pages / generation).mkdir(parents=True)
        return generation

    def invalidate(self) -> str:
        generation = self._new_directory()
        temporary = self.root / f".pagecache-link-{generation}"
        os.symlink(f"{PAGES_DIR}/{generation}", temporary)
        os.replace(temporary, self.link)  # atomic: every process sees the new generation on its next open()
        self._remove_all_but(generation)
        return generation

    def _remove_all_but(self, generation: str) -> None:
        # Racing invalidations may remove each other's fresh folder; `generation()` then repairs the link.
        for old in os.listdir(self.pages):
            if old != generation:
                shutil.rmtree(self.pages / old, ignore_errors=True)

    def load(self, key: str) -> bytes | None:
        try:
            fd = os.open(self.current_prefix + key, os.O_RDONLY)
        except OSError:
            return None
        try:
            size = os.fstat(fd).st_size
            blob = os.read(fd, size)
        finally:
            os.close(fd)
        return blob if len(blob) == size else None

    def save(self, generation: str, key: str, blob: bytes) -> None:
        folder = self.pages / generation
        temporary = folder / f".{key}.{uuid.uuid4().hex}"
        try:
            # Never creates the folder: if it is gone, its generation was invalidated and the page is stale.
            with open(temporary, "xb") as fh:
                fh.write(blob)
            os.replace(temporary, folder / key)
        except FileNotFoundError:
            return
        except OSError:
            # A full disk or a permission problem must not fail the reader's request; the page stays uncached.
            log.warning("Could not store a page in %s", folder, exc_info=True)
            return
        if random.random() < 0.01:  # now and then, keep one generation's folder within bounds
            self._cull(folder)

    def _cull(self, folder: Path) -> None:
        names = os.listdir(folder)
        if len(names) > self.max_entries:
            for name in random.sample(names, len(names) // 3):
                (folder / name).unlink(missing_ok=True)


class _DjangoCacheStore:
    """Pages through Django's cache API (Redis, database, …): generation and page fetched in one round trip."""

    def generation(self) -> str:
        gen = cache.get(GENERATION_KEY)
        if gen is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            gen = cache.get(GENERATION_KEY)
        return str(gen)

    def invalidate(self) -> str:
        generation = uuid.uuid4().hex
        cache.set(GENERATION_KEY, generation, None)
        return generation

    def load(self, key: str) -> bytes | None:
        found = cache.get_many([GENERATION_KEY, "pagecache:page:" + key])
        entry = found.get("pagecache:page:" + key)
        if entry is None or entry[0] != found.get(GENERATION_KEY):
            return None
        return entry[1]

    def save(self, generation: str, key: str, blob: bytes) -> None:
        cache.set("pagecache:page:" + key, (generation, blob), settings.PAGE_CACHE_SECONDS)


class _RedisStore:
    """With django-redis: raw bytes through the Redis client, one MGET per request, no pickle.

    A page entry is its generation (32 hex digits) followed by the encoded page.
    """

    def __init__(self) -> None:
        from django_redis import get_redis_connection

        self.redis = get_redis_connection("default")
        self.generation_key = cache.make_key(GENERATION_KEY)

    def _page_key(self, key: str) -> str:
        return cache.make_key("pagecache:page:" + key)

    def generation(self) -> str:
        generation = self.redis.get(self.generation_key)
        if generation is None or len(generation) != 32:
            self.redis.set(self.generation_key, uuid.uuid4().hex, nx=generation is None)
            generation = self.redis.get(self.generation_key)
        return generation.decode()

    def invalidate(self) -> str:
        generation = uuid.uuid4().hex
        self.redis.set(self.generation_key, generation)
        return generation

    def load(self, key: str) -> bytes | None:
        try:
            generation, entry = self.redis.mget([self.generation_key, self._page_key(key)])
        except RedisError:  # an unreachable Redis: let Django render (and report it) rather than fail here
            log.warning("Page cache: Redis did not answer", exc_info=True)
            return None
        if generation is None or entry is None or entry[:32] != generation:
            return None
        return entry[32:]

    def save(self, generation: str, key: str, blob: bytes) -> None:
        self.redis.set(self._page_key(key), generation.encode() + blob, ex=settings.PAGE_CACHE_SECONDS)


_configured: list[Any] = [None, None]  # the cache settings last seen, and the store made for them


def _store() -> Any:
    """The store for the configured default cache (made again if the settings change, as in tests)."""
    config = settings.CACHES["default"]
    if _configured[0] is not config:
        if config["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache":
            max_entries = int(config.get("OPTIONS", {}).get("MAX_ENTRIES", 300))
            _configured[:] = [config, _FileStore(config["LOCATION"], max_entries)]
        elif config["BACKEND"] == "django_redis.cache.RedisCache":
            _configured[:] = [config, _RedisStore()]
        else:
            _configured[:] = [config, _DjangoCacheStore()]
    return _configured[1]


class PageCacheMiddleware:
    """Marks finished anonymous responses as cacheable and gives them an ETag.

    `FastPathApp` stores what this marks, at the WSGI level: only there are the final headers known (those
    that middleware further out adds, such as security headers and cookies).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Read before rendering: a page made from data older than an invalidation never joins a newer generation.
        generation = current_generation()
        response = self.get_response(request)
        if self._storable(request, response):
            etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
            response.headers["ETag"] = etag
            response.sampan_page_cache = (generation, etag)  # type: ignore[attr-defined]
        return response

    @staticmethod
    def _storable(request: HttpRequest, response: HttpResponse) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method == "GET"
            and not request.META.get("QUERY_STRING")
            and not _may_be_personal(request.META)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.headers.get("Cache-Control", "")
            and not getattr(request, "_messages", None)
        )


class FastPathApp:
    """WSGI wrapper: answer cached anonymous GET/HEAD requests without running Django's request cycle.

    On a miss it runs Django and stores the response if `PageCacheMiddleware` marked it, with the headers as
    they went out, unless something further out set a cookie or the request named another host than the site's.
    `count`, if given, is told of every answer from the cache: `count(environ, (status code, content type))`
    (the stats count page views so). Requests it passes on to Django carry it in the environ (`COUNT_HOOK`), for
    a middleware to count Django's answers the same way.

    A page is rendered once per process however many readers ask for it at once: right after an invalidation
    every request for a popular page misses, and rendering it for each of them at once makes all of them wait
    longer (four threads rendering one page took 60 to 180 ms each, where one alone takes about 45 ms). The first
    renders and stores it; the others wait for that, then read the cache. If it could not be stored (a 404, a
    private page), each renders its own.
    """

    def __init__(
        self,
        app: Callable[..., Iterable[bytes]],
        count: Callable[[dict, tuple[str, str]], None] | None = None,
    ):
        self.app = app
        self.count = count
        self._rendering: dict[str, threading.Event] = {}  # cache key → set when its render has finished
        self._rendering_lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        store_as = None  # the cache key a GET that missed is stored under
        if (
            (method == "GET" or method == "HEAD")
            and not environ.get("QUERY_STRING")
            and not _may_be_personal(environ)
            and settings.PAGE_CACHE_SECONDS > 0
        ):
            key = page_key(environ)
            blob = _store().load(key)
            entry = _decode(blob) if blob is not None else None
            if entry is not None:
                status, headers, etag, body, served = entry
                count = self.count
                if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
                    start_response("304 Not Modified", [("ETag", etag), CACHE_HEADER])
                    if count is not None:
                        count(environ, ("304", served[1]))
                    return [b""]
                start_response(status, [*headers, CACHE_HEADER])
                if count is not None:
                    count(environ, served)
                return [b"" if method == "HEAD" else body]
            if method == "GET":
                store_as = key
        if self.count is not None:
            environ[COUNT_HOOK] = self.count  # for Django's answers (`stats.recorder.CountingMiddleware`)
        if store_as is not None:
            if WAITED in environ:
                return self._render_and_store(store_as, environ, start_response)
            return self._render_once(store_as, environ, start_response)
        return self.app(environ, start_response)

    def _render_once(
        self, key: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        with self._rendering_lock:
            rendering = self._rendering.get(key)
            first = rendering is None
            if rendering is None:
                rendering = self._rendering[key] = threading.Event()
        if not first:
            rendering.wait(RENDER_WAIT_SECONDS)
            environ[WAITED] = True
            return self(environ, start_response)  # from the cache now, or rendered here if it was not stored
        try:
            return self._render_and_store(key, environ, start_response)
        finally:
            with self._rendering_lock:
                del self._rendering[key]
            rendering.set()

    def _render_and_store(
        self, key: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        sent: list[Any] = []

        def keep_headers(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        result = self.app(environ, keep_headers)
        marked = getattr(result, "sampan_page_cache", None)
        if (
            marked
            and sent
            and not any(name.lower() == "set-cookie" for name, _ in sent[1])
            and _asks_for_the_site_host(environ)
        ):
            generation, etag = marked
            body = result.content  # type: ignore[attr-defined]
            headers = [(k, v) for k, v in sent[1] if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
            expires = time.time() + settings.PAGE_CACHE_SECONDS
            _store().save(generation, key, _encode(sent[0], headers, body, etag, expires))
        return result
