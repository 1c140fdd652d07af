"""The anonymous page cache: what is stored, what is served from it, and when it is forgotten."""

import hashlib
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.http import HttpResponse
from django.test import override_settings
from django_redis import get_redis_connection

from sampan.blog import services
from sampan.core import pagecache
from sampan.core.pagecache import FastPathApp
from tests.factories import local, make_post

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


class Reply:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.body = status, dict(headers), body

    @property
    def from_cache(self) -> bool:
        return self.headers.get("X-Sampan-Cache") == "hit"


@pytest.fixture
def app() -> Iterator[FastPathApp]:
    """The production WSGI stack (fast path around Django), called directly as a server would."""
    # As Django's test client does: closing connections between requests would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield FastPathApp(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(app: FastPathApp, path: str, method: str = "GET", **environ: str) -> Reply:
    started: list = []
    base = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    chunks = app(
        {**base, **environ}, lambda status, headers, exc_info=None: started.extend([status, headers])
    )
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return Reply(started[0], started[1], body)


@pytest.fixture(autouse=True)
def _site_at_loopback(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"


@pytest.fixture
def post_url() -> str:
    return make_post("Harbour lights", published_at=local(2024, 3, 2)).get_absolute_url()


def test_second_anonymous_request_is_answered_from_the_cache(app, post_url):
    first = call(app, post_url)
    second = call(app, post_url)
    assert first.status == "200 OK" and not first.from_cache
    assert second.status == "200 OK" and second.from_cache
    assert second.body == first.body
    assert b"Harbour lights" in second.body
    assert second.headers["Content-Length"] == str(len(second.body))
    assert second.headers["Content-Type"].startswith("text/html")


def test_cached_page_keeps_the_headers_outer_middleware_adds(app, post_url):
    first = call(app, post_url)
    cached = call(app, post_url)
    assert cached.from_cache
    for name in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert cached.headers[name] == first.headers[name]


def test_response_that_sets_a_cookie_on_its_way_out_is_not_stored(post_url):
    def django_setting_a_cookie(environ, start_response):
        response = HttpResponse(b"<p>hello</p>")
        response.sampan_page_cache = (pagecache.current_generation(), '"e"')
        start_response("200 OK", [("Content-Type", "text/html"), ("Set-Cookie", "csrftoken=abc; Path=/")])
        return response

    fast = FastPathApp(django_setting_a_cookie)
    call(fast, post_url)
    assert not call(fast, post_url).from_cache


def test_pages_are_stored_only_as_rendered_for_the_sites_own_host(app, post_url):
    call(app, post_url, HTTP_HOST="localhost:8000")
    assert not call(app, post_url, HTTP_HOST="localhost:8000").from_cache
    call(app, post_url, HTTP_HOST="127.0.0.1:8000")
    assert call(app, post_url, HTTP_HOST="localhost:8000").from_cache
    assert call(app, post_url, HTTP_HOST="127.0.0.1:9999").from_cache


def test_reader_with_a_session_cookie_never_gets_a_cached_page(app, post_url):
    call(app, post_url)
    assert call(app, post_url).from_cache
    assert not call(app, post_url, HTTP_COOKIE="sessionid=abc").from_cache
    assert not call(app, post_url, HTTP_COOKIE="sampan_postpass_1=x").from_cache
    assert not call(app, post_url, HTTP_AUTHORIZATION="Basic YTpi").from_cache


def test_pages_rendered_for_a_session_are_not_stored_for_everyone(app, post_url):
    call(app, post_url, HTTP_COOKIE="sessionid=abc")
    assert not call(app, post_url).from_cache


def test_query_string_is_never_answered_from_the_cache_nor_stored(app, post_url):
    call(app, post_url, QUERY_STRING="utm_source=x")
    assert not call(app, post_url).from_cache
    assert not call(app, post_url, QUERY_STRING="utm_source=x").from_cache


def test_editing_a_post_makes_the_next_request_render_fresh(app, post_url):
    call(app, post_url)
    assert call(app, post_url).from_cache
    post = services.Post.objects.get(title="Harbour lights")
    post.title = "Harbour lights at dusk"
    services.save_post(post, previous_status=post.status)
    fresh = call(app, post_url)
    assert not fresh.from_cache
    assert b"Harbour lights at dusk" in fresh.body
    assert call(app, post_url).from_cache


def test_password_protected_post_form_is_not_stored(app):
    url = make_post("Locked", published_at=local(2024, 3, 2), password="sesame").get_absolute_url()
    first = call(app, url)
    assert b"password" in first.body.lower()
    assert not call(app, url).from_cache


def test_invalidation_in_another_process_is_seen_at_once(app, post_url):
    call(app, post_url)
    assert call(app, post_url).from_cache
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": str(ROOT)}
    code = "import django; django.setup(); from sampan.core import pagecache; pagecache.invalidate()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT, timeout=60)
    assert not call(app, post_url).from_cache
    assert call(app, post_url).from_cache


def test_head_gets_headers_without_body(app, post_url):
    full = call(app, post_url)
    head = call(app, post_url, method="HEAD")
    assert head.from_cache
    assert head.body == b""
    assert head.headers["Content-Length"] == str(len(full.body))


def test_matching_if_none_match_gets_304_and_a_stale_one_the_page(app, post_url):
    etag = call(app, post_url).headers["ETag"]
    not_modified = call(app, post_url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status == "304 Not Modified"
    assert not_modified.body == b""
    assert not_modified.headers["ETag"] == etag
    other = call(app, post_url, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status == "200 OK" and other.body


def test_post_requests_pass_through_to_django(app, post_url):
    call(app, post_url)
    assert not call(app, post_url, method="POST").from_cache


def test_clearing_the_django_cache_forgets_cached_pages(app, post_url):
    call(app, post_url)
    cache.clear()
    assert not call(app, post_url).from_cache


def test_cache_recovers_when_its_page_folders_are_deleted(app, post_url, settings):
    call(app, post_url)
    shutil.rmtree(Path(settings.CACHES["default"]["LOCATION"]) / pagecache.PAGES_DIR)
    assert not call(app, post_url).from_cache
    assert call(app, post_url).from_cache


def test_middleware_gives_stored_pages_an_etag(client, post_url):
    # The ETag names the body: two renders a second apart differ (the comment form is signed with the time it was
    # shown), so the test checks the tag against the bytes rather than against a second render.
    response = client.get(post_url)
    assert response["ETag"] == '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
    assert client.get("/")["ETag"] != response["ETag"]


@override_settings(PAGE_CACHE_SECONDS=0)
def test_cache_can_be_turned_off(app, post_url):
    call(app, post_url)
    assert not call(app, post_url).from_cache


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_other_cache_backends_go_through_djangos_cache_api(app, post_url):
    # Stands in for Redis: any backend but the file cache keeps pages and generation via Django's cache.
    call(app, post_url)
    assert call(app, post_url).from_cache
    pagecache.invalidate()
    assert not call(app, post_url).from_cache
    assert call(app, post_url).from_cache


@pytest.fixture
def redis_cache(settings) -> Iterator[None]:
    """A throw-away Redis (TESTING.md's recipe) as the cache; skipped where redis-server is not installed."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:  # its own log says when it listens: no polling
            if "Ready to accept connections" in line:
                break
        settings.CACHES = {
            "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
        }
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_redis_cache_serves_pages_and_sees_invalidation(app, post_url, redis_cache):
    call(app, post_url)
    assert call(app, post_url).from_cache
    assert get_redis_connection("default").exists(cache.make_key("pagecache:generation"))
    pagecache.invalidate()
    assert not call(app, post_url).from_cache
    assert call(app, post_url).from_cache
    assert call(app, post_url, HTTP_IF_NONE_MATCH=call(app, post_url).headers["ETag"]).status.startswith(
        "304"
    )


def test_current_generation_is_stable_until_invalidated():
    before = pagecache.current_generation()
    assert pagecache.current_generation() == before
    pagecache.invalidate()
    assert pagecache.current_generation() != before


class SlowPages:
    """A stand-in for Django that renders slowly and counts its renders: it holds each render until `release`
    is set, so that several requests for one page are in flight at once."""

    def __init__(self, storable: bool = True):
        self.storable = storable
        self.renders = 0
        self.started = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, environ: dict, start_response) -> list[bytes]:
        self.renders += 1
        body = f"render {self.renders}".encode()
        self.started.release()
        self.release.wait(10)
        status = "200 OK" if self.storable else "404 Not Found"
        start_response(status, [("Content-Type", "text/html; charset=utf-8")])

        class Rendered(list):
            content = body

        page = Rendered([body])
        if self.storable:  # as PageCacheMiddleware marks it
            page.sampan_page_cache = (pagecache.current_generation(), '"e"')
        return page


def ask_at_once(app: FastPathApp, pages: SlowPages, readers: int) -> list[Reply]:
    """`readers` threads ask for one page; the first render is let go once every thread has asked."""
    with ThreadPoolExecutor(readers) as pool:
        replies = [pool.submit(call, app, "/slow/") for _ in range(readers)]
        assert pages.started.acquire(timeout=10)  # the first render is under way …
        time.sleep(0.2)  # … and the other readers ask for the page meanwhile (a late one finds it stored)
        pages.release.set()
        return [f.result(timeout=30) for f in replies]


def test_readers_asking_for_a_page_at_once_share_one_render():
    # Right after an invalidation every reader of a popular page misses: rendering it for each of them took the
    # whole process (a busy server stalled for a second). One renders; the others get what it stored.
    pages = SlowPages()
    replies = ask_at_once(FastPathApp(pages), pages, readers=6)
    assert pages.renders == 1
    assert {r.body for r in replies} == {b"render 1"}
    assert sum(r.from_cache for r in replies) == 5


def test_a_page_that_cannot_be_stored_is_rendered_for_each_reader():
    # A 404 or a private page is not stored: the readers who waited render their own, never get nothing.
    pages = SlowPages(storable=False)
    replies = ask_at_once(FastPathApp(pages), pages, readers=4)
    assert pages.renders == 4
    assert sorted(r.body for r in replies) == [f"render {n}".encode() for n in range(1, 5)]
    assert all(r.status == "404 Not Found" and not r.from_cache for r in replies)


def test_a_reader_stops_waiting_for_a_render_that_takes_too_long(monkeypatch):
    monkeypatch.setattr(pagecache, "RENDER_WAIT_SECONDS", 0.05)
    pages = SlowPages()
    app = FastPathApp(pages)
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(call, app, "/slow/")
        assert pages.started.acquire(timeout=10)
        second = pool.submit(call, app, "/slow/")
        assert pages.started.acquire(timeout=10)  # the second reader gave up waiting and renders too
        pages.release.set()
        assert {first.result(timeout=10).body, second.result(timeout=10).body} == {b"render 1", b"render 2"}
    assert not app._rendering  # nothing left behind for the next reader to wait for
