"""A signed-in reader's avatar: fetched once from a real server on loopback, kept as a small PNG we drew;
anything else (private address, redirect chain, oversized, slow, bomb, SVG, not a picture) leaves the identicon."""

import io
import logging
import struct
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from sampan.core.models import OutboundRequest
from sampan.readers import avatars, tasks
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def picture(fmt: str, size: tuple[int, int] = (300, 200), frames: int = 1) -> bytes:
    out = io.BytesIO()
    images = [Image.new("RGB", size, (40 * i % 255, 120, 200)) for i in range(frames)]
    if frames > 1:
        images[0].save(out, format=fmt, save_all=True, append_images=images[1:])
    else:
        images[0].save(out, format=fmt)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: what a decompression bomb looks like before decoding."""
    real = picture("PNG", (1, 1))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return real[:8] + patched + real[8 + 25 :]


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/me.png": (200, "image/png", picture("PNG")),
    "/me.jpg": (200, "image/jpeg", picture("JPEG", (1200, 800))),
    "/me.webp": (200, "image/webp", picture("WEBP")),
    "/moving.gif": (200, "image/gif", picture("GIF", (50, 50), frames=3)),
    "/other.png": (200, "image/png", picture("PNG", (64, 64))),
    "/me.svg": (200, "image/svg+xml", SVG),
    "/svg-as-png.png": (200, "image/png", SVG),
    "/page.html": (200, "text/html", b"<!doctype html><p>not a picture</p>"),
    "/bomb.png": (200, "image/png", png_claiming(60_000, 60_000)),
    "/big-canvas.png": (200, "image/png", png_claiming(6_000, 6_000)),
    "/huge.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * (3 * 1024 * 1024)),
    "/eps": (200, "application/postscript", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"),
    "/truncated.png": (200, "image/png", picture("PNG")[:60]),
    "/gone.png": (404, "text/html", b"not here"),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stop: threading.Event

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/hop/"):  # /hop/N redirects to /hop/N-1, … /hop/0 is the picture
            left = int(self.path.rsplit("/", 1)[1])
            target = f"/hop/{left - 1}" if left else "/me.png"
            return self._answer(302, "text/plain", b"", Location=target)
        if self.path == "/to-private.png":
            return self._answer(302, "text/plain", b"", Location="http://10.0.0.8/me.png")
        if self.path == "/slow.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                while not self.stop.wait(0.05):
                    self.wfile.write(b".")
                    self.wfile.flush()
            except OSError:
                pass
            return None
        status, content_type, body = ROUTES.get(self.path, (404, "text/plain", b"no"))
        return self._answer(status, content_type, body)

    def _answer(self, status: int, content_type: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    stop = threading.Event()
    handler = type("H", (Handler,), {"stop": stop})
    httpd = ThreadingHTTPServer(("127.0.0.2", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.2:{httpd.server_address[1]}"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def loopback_allowed(settings, tmp_path):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.MEDIA_ROOT = tmp_path


def make_reader(name: str = "Ama"):  # type: ignore[no-untyped-def]
    from sampan.readers.models import Reader

    user = make_user(f"reader-{name.lower()}")
    return Reader.objects.create(user=user, display_name=name)


def kept_picture(reader) -> Image.Image:  # type: ignore[no-untyped-def]
    reader.refresh_from_db()
    assert reader.avatar, "no avatar was kept"
    with default_storage.open(reader.avatar.name) as file:
        image = Image.open(io.BytesIO(file.read()))
        image.load()
    return image


@pytest.mark.parametrize("path", ["/me.png", "/me.jpg", "/me.webp", "/moving.gif"])
def test_a_picture_is_kept_as_a_small_png_we_drew(server, path):
    reader = make_reader()
    assert avatars.fetch_avatar(reader, f"{server}{path}") is True
    image = kept_picture(reader)
    assert (image.format, image.size) == ("PNG", (avatars.SIZE, avatars.SIZE))
    assert reader.avatar.name.startswith("avatars/")
    asked = OutboundRequest.objects.get()
    assert asked.purpose == "reader avatar"


def test_the_background_task_fetches_the_avatar_for_the_reader(server):
    reader = make_reader()
    tasks.fetch_reader_avatar.enqueue(reader.pk, f"{server}/me.png")
    assert kept_picture(reader).size == (avatars.SIZE, avatars.SIZE)


def test_the_task_for_a_reader_who_has_since_left_does_nothing(server):
    reader = make_reader()
    reader_id = reader.pk
    reader.user.delete()
    result = tasks.fetch_reader_avatar.enqueue(reader_id, f"{server}/me.png")
    assert result.return_value is False
    assert not OutboundRequest.objects.exists()


def test_a_new_avatar_replaces_the_old_file(server):
    reader = make_reader()
    avatars.fetch_avatar(reader, f"{server}/me.png")
    old = reader.avatar.name
    assert default_storage.exists(old)
    avatars.fetch_avatar(reader, f"{server}/other.png")
    reader.refresh_from_db()
    assert reader.avatar.name != old
    assert default_storage.exists(reader.avatar.name)
    assert not default_storage.exists(old)


REFUSED = {
    "/me.svg": "SVG",
    "/svg-as-png.png": "SVG",
    "/page.html": "not a PNG, JPEG, GIF or WebP",
    "/eps": "not a PNG, JPEG, GIF or WebP",
    "/bomb.png": "more than any avatar",
    "/big-canvas.png": "6000x6000 pixels, more than any avatar",
    "/huge.png": "more than the 2097152",
    "/truncated.png": "cannot be read",
    "/gone.png": "answered 404",
    "/hop/10": "redirects",
}


@pytest.mark.parametrize(("path", "why"), REFUSED.items())
def test_anything_but_a_plain_picture_leaves_the_identicon_and_says_why(server, caplog, path, why):
    reader = make_reader()
    with caplog.at_level(logging.WARNING, logger="sampan.readers.avatars"):
        assert avatars.fetch_avatar(reader, f"{server}{path}") is False
    reader.refresh_from_db()
    assert not reader.avatar
    assert why in caplog.text
    assert f"reader {reader.pk}" in caplog.text


def test_a_short_redirect_chain_is_followed(server):
    reader = make_reader()
    assert avatars.fetch_avatar(reader, f"{server}/hop/2") is True


def test_a_failed_fetch_keeps_the_avatar_the_reader_already_had(server):
    reader = make_reader()
    avatars.fetch_avatar(reader, f"{server}/me.png")
    kept = reader.avatar.name
    assert avatars.fetch_avatar(reader, f"{server}/me.svg") is False
    reader.refresh_from_db()
    assert reader.avatar.name == kept
    assert default_storage.exists(kept)


def test_a_server_that_never_finishes_is_given_up_on(server, monkeypatch, caplog):
    monkeypatch.setattr(avatars, "TIMEOUT", 0.5)
    reader = make_reader()
    with caplog.at_level(logging.WARNING, logger="sampan.readers.avatars"):
        assert avatars.fetch_avatar(reader, f"{server}/slow.png") is False
    assert "longer than the time allowed" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.8/me.png",
        "http://192.168.1.1/me.png",
        "http://[fd00::1]/me.png",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "javascript:alert(1)",
    ],
)
def test_private_and_odd_addresses_are_refused_before_connecting(url, caplog):
    reader = make_reader()
    with caplog.at_level(logging.WARNING, logger="sampan.readers.avatars"):
        assert avatars.fetch_avatar(reader, url) is False
    assert "not kept" in caplog.text
    refused = OutboundRequest.objects.get()
    assert refused.outcome == "refused"


def test_a_redirect_to_a_private_address_is_refused(server, caplog):
    reader = make_reader()
    with caplog.at_level(logging.WARNING, logger="sampan.readers.avatars"):
        assert avatars.fetch_avatar(reader, f"{server}/to-private.png") is False
    assert "redirected to" in caplog.text
    assert OutboundRequest.objects.get().outcome == "refused"


def test_no_address_means_no_fetch():
    reader = make_reader()
    assert avatars.fetch_avatar(reader, "") is False
    assert not OutboundRequest.objects.exists()


def test_removing_the_avatar_deletes_its_file(server):
    reader = make_reader()
    avatars.fetch_avatar(reader, f"{server}/me.png")
    name = reader.avatar.name
    avatars.remove_avatar(reader)
    assert not default_storage.exists(name)


def test_a_fault_of_our_own_is_logged_in_full_and_never_raised(server, monkeypatch, caplog):
    def broken(body: bytes) -> bytes:
        raise RuntimeError("decoder fell over")

    monkeypatch.setattr(avatars, "avatar_png", broken)
    reader = make_reader()
    with caplog.at_level(logging.ERROR, logger="sampan.readers.avatars"):
        assert avatars.fetch_avatar(reader, f"{server}/me.png") is False
    assert "decoder fell over" in caplog.text
    reader.refresh_from_db()
    assert not reader.avatar
