"""The audit's crawler on a plain web server with no CSP at all: foreign requests are named, and never sent."""

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from sampan.core.audit import audit_site

pytestmark = pytest.mark.browser


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(folder: Path, host: str, seen: list[str]) -> http.server.ThreadingHTTPServer:
    class Recording(Quiet):
        def do_GET(self) -> None:
            seen.append(self.path)
            super().do_GET()

    server = http.server.ThreadingHTTPServer((host, 0), functools.partial(Recording, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[str, str, list[str]]]:
    elsewhere_seen: list[str] = []
    elsewhere = serve(tmp_path, "127.0.0.2", elsewhere_seen)
    other = f"http://127.0.0.2:{elsewhere.server_address[1]}"
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(
        f'<!doctype html><title>Home</title><a href="/inner.html">inner</a><a href="{other}/away.html">away</a>'
    )
    (site / "inner.html").write_text(
        f'<!doctype html><title>Inner</title><img src="{other}/pixel.png" alt="">'
    )
    own = serve(site, "127.0.0.1", [])
    yield f"http://127.0.0.1:{own.server_address[1]}/", other, elsewhere_seen
    own.shutdown()
    elsewhere.shutdown()


def in_own_thread(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run `function` in a thread of its own: the audit drives Chromium with Playwright's sync API, which refuses
    to start in a thread where the browser tests' Playwright already runs an event loop."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # handed back to the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_a_foreign_image_is_named_on_its_page_and_never_requested(sites):
    start, other, elsewhere_seen = sites
    reports = {
        report.url.rsplit("/", 1)[1]: report for report in in_own_thread(audit_site, start, max_pages=10)
    }
    assert set(reports) == {"", "inner.html"}  # the foreign link is not followed
    assert reports[""].clean
    assert reports["inner.html"].foreign == [f"image {other}/pixel.png"]
    assert not reports["inner.html"].clean
    assert elsewhere_seen == []  # recorded by the audit, but the request never left
