"""Every kind of response carries the security headers: the same-origin CSP, Permissions-Policy, nosniff,
Referrer-Policy and frame denial, also when the page comes out of the anonymous page cache."""

import io
import sys
from collections.abc import Iterator

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from sampan.core.pagecache import FastPathApp
from tests.factories import local, make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(settings) -> Iterator[FastPathApp]:
    """The production WSGI stack, called as a server calls it (so cached pages are served from the fast path)."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield FastPathApp(WSGIHandler())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def get(app: FastPathApp, path: str, **environ: str) -> dict[str, str]:
    started: list = []
    base = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
    }  # fmt: skip
    chunks = app(
        {**base, **environ}, lambda status, headers, exc_info=None: started.extend([status, headers])
    )
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return {"status": started[0], **{name.lower(): value for name, value in started[1]}}


def directives(headers: dict[str, str]) -> dict[str, str]:
    policy = headers["content-security-policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def assert_protected(headers: dict[str, str], *, styles: str = "'self'") -> None:
    policy = directives(headers)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no nonce: cached pages stay valid
    assert policy["style-src"] == styles
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["base-uri"] == "'self'"
    for feature in ("camera=()", "microphone=()", "geolocation=()", "gyroscope=()", "payment=()", "usb=()"):
        assert feature in headers["permissions-policy"]
    assert "browsing-topics=()" in headers["permissions-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert headers["x-frame-options"] == "DENY"


@pytest.fixture
def post_url() -> str:
    return make_post("Harbour lights", published_at=local(2024, 3, 2)).get_absolute_url()


def test_a_post_carries_the_headers_when_rendered_and_when_served_from_the_cache(app, post_url):
    rendered = get(app, post_url)
    cached = get(app, post_url)
    assert "x-sampan-cache" not in rendered and cached["x-sampan-cache"] == "hit"
    assert_protected(rendered)
    assert_protected(cached)


@pytest.mark.parametrize(
    "path",
    ["/", "/feed/", "/comments/feed/", "/sitemap.xml", "/robots.txt", "/api/openapi.json", "/no/such/"],
)
def test_pages_feeds_api_and_not_found_carry_the_headers(app, post_url, path):
    assert_protected(get(app, path))


def test_the_admin_may_use_inline_styles_but_scripts_stay_same_origin(app, client):
    client.force_login(make_user("owner", role="Administrator"))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_protected({k.lower(): v for k, v in response.headers.items()}, styles="'self' 'unsafe-inline'")
    assert_protected(get(app, "/admin/login/"), styles="'self' 'unsafe-inline'")


def test_https_sites_ask_browsers_to_remember_https(settings, client):
    settings.SECURE_HSTS_SECONDS = 31536000  # what settings.py sets when SAMPAN_SITE_URL is https
    response = client.get("/", secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_the_settings_turn_hsts_on_exactly_when_the_site_is_https(tmp_path):
    import subprocess

    def hsts(site_url: str) -> str:
        code = "from django.conf import settings; print(getattr(settings, 'SECURE_HSTS_SECONDS', 0))"
        env = {**__import__("os").environ, "SAMPAN_SITE_URL": site_url, "SAMPAN_DATA_DIR": str(tmp_path)}
        env["DJANGO_SETTINGS_MODULE"] = "sampan.settings"
        return subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    assert hsts("https://blog.example") == "31536000"
    assert hsts("http://127.0.0.1:8000") == "0"
