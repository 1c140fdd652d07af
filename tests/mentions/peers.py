"""A small web site on loopback for mention tests: pages set by the test, and a record of what was posted."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Page:
    body: str | bytes = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    url: str
    pages: dict[str, Page] = field(default_factory=dict)
    posted: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def forms_posted_to(self, path: str) -> list[dict[str, str]]:
        return [
            {k: v[0] for k, v in parse_qs(body.decode()).items()} for p, body, _ in self.posted if p == path
        ]

    def bodies_posted_to(self, path: str) -> list[bytes]:
        return [body for p, body, _ in self.posted if p == path]


@contextmanager
def peer_site() -> Iterator[Site]:
    site = Site(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._answer()

        def do_HEAD(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            site.posted.append((self.path, self.rfile.read(length), dict(self.headers)))
            self._answer()

        def _answer(self) -> None:
            page = site.pages.get(self.path, Page("not here", status=404))
            body = page.body.encode() if isinstance(page.body, str) else page.body
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
