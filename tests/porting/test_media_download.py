"""Attachments downloaded from the old site through the outbound fetcher (a real server on loopback)."""

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sampan.blog.models import Post
from sampan.core.models import OutboundRequest

from .conftest import MOVING_IN, run_import

pytestmark = pytest.mark.django_db
UPLOADS = MOVING_IN.parent / "media"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def old_site(settings) -> Iterator[str]:
    """The old site's uploads folder, served at http://127.0.0.1:PORT/ (2019/03/river.jpg, …)."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    handler = partial(_Quiet, directory=str(UPLOADS))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def export_from(site: str, tmp_path: Path, *, remove: str = "") -> Path:
    text = MOVING_IN.read_text().replace("http://old.example.org/wp-content/uploads/", f"{site}/")
    text = text.replace("http://old.example.org", site)
    if remove:
        text = text.replace(remove, "2019/03/missing.jpg")
    path = tmp_path / "export.xml"
    path.write_text(text)
    return path


def test_attachments_are_downloaded_through_the_fetcher_and_recorded(old_site, tmp_path, settings):
    report = run_import(export_from(old_site, tmp_path), media_from=None)
    assert report.counts["media"] == 2, report.skipped
    stored = Path(settings.MEDIA_ROOT) / "uploads/2019/03/river.jpg"
    assert stored.is_file() and b"TestCam" not in stored.read_bytes()
    assert 'src="/media/uploads/2019/03/river.jpg"' in Post.objects.get(slug="down-the-river").body_html
    asked = list(OutboundRequest.objects.filter(purpose="import-wxr").values_list("url", flat=True))
    assert sorted(asked) == [f"{old_site}/2019/03/boat.png", f"{old_site}/2019/03/river.jpg"]


def test_a_download_that_fails_is_reported_and_the_import_goes_on(old_site, tmp_path):
    path = export_from(old_site, tmp_path, remove="2019/03/boat.png")
    report = run_import(path, media_from=None)
    assert report.counts["media"] == 1 and report.counts["posts"] == 8
    assert report.skipped["media: download failed: the old site answered 404"] == 1
