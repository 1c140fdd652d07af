"""Stats tests call the production WSGI stack (counting, fast path, Django) directly, as a server would."""

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from sampan.core.pagecache import FastPathApp
from sampan.stats import flush, recorder, spool, visitor
from sampan.stats.recorder import view_counter, writer

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
READER = {"HTTP_USER_AGENT": BROWSER, "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en-NZ"}


@pytest.fixture(autouse=True, params=["c", "python"])
def tally(request, monkeypatch) -> Any:
    """Every stats test runs with the C tally the server uses and with the Python one a Sampan built without a
    C compiler uses: both must count alike. Its clock is `visitor.now`, which tests move."""
    if request.param == "c":
        assert recorder.FastTally is not None, (
            "sampan/stats/_fastcount.c was not built (gcc, Python's headers)"
        )
        counter: Any = recorder.FastTally(recorder.FIELDS, spool.BATCH, recorder._turn)
    else:
        counter = recorder.CopyingTally(recorder.FIELDS, spool.BATCH, recorder._turn)
    counter.clock = lambda: visitor.now()
    monkeypatch.setattr(recorder, "count_view", counter)
    return counter


@pytest.fixture(autouse=True)
def _own_spool(settings, tmp_path: Path, tally) -> Iterator[Path]:
    settings.STATS_SPOOL_DIR = tmp_path / "spool"
    settings.SITE_URL = "http://127.0.0.1:8000"
    writer.reset()
    recorder.reset()
    flush._last_refresh[0] = 0.0
    flush._refresh_due[0] = False
    yield settings.STATS_SPOOL_DIR
    writer.reset()
    recorder.reset()


@pytest.fixture
def app() -> Iterator[FastPathApp]:
    # As Django's test client does: closing connections between requests would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield FastPathApp(WSGIHandler(), count=view_counter())  # as sampan/wsgi.py builds it
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def visit(
    app: Callable[..., Any], path: str, *, address: str = "203.0.113.77", drain: bool = True, **environ: Any
) -> str:
    """Ask for `path` like a reader's browser (override or drop headers with keyword arguments); the status."""
    started: list = []
    base = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": address,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        **READER,
    }
    merged = {k: v for k, v in {**base, **environ}.items() if v is not None}
    chunks = app(merged, lambda status, headers, exc_info=None: started.extend([status, headers]))
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    if drain:
        writer.drain()  # what a server process does within a second
    return started[0]


def spooled_lines() -> list[list[str]]:
    lines = []
    for path in spool.closed_files(grace=-1):
        lines += [line.split("\t") for line in path.read_text().splitlines()]
    return lines
