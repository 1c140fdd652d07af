"""Real HTTP servers on loopback, in threads, for the outbound fetcher's tests: each path is one behaviour."""

import gzip
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CHUNK = b"x" * 65536


class _Peer(ThreadingHTTPServer):
    daemon_threads = True
    stop: threading.Event


class _Handler(BaseHTTPRequestHandler):
    server: _Peer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: pytest shows failures, not access logs

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def do_HEAD(self) -> None:
        self._route()

    def _route(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        handler = getattr(self, "page_" + parts.path.strip("/").replace("-", "_"), None)
        if handler is None:
            self._answer(404, b"not here")
        else:
            handler(query)

    def _answer(
        self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str
    ):  # type: ignore[no-untyped-def]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def page_hello(self, query: dict[str, str]) -> None:
        self._answer(200, "<p>Hello, Sampan ☺</p>".encode())

    def page_echo(self, query: dict[str, str]) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        seen = {
            "method": self.command,
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": self.rfile.read(length).decode(),
        }
        self._answer(200, json.dumps(seen).encode(), "application/json")

    def page_redirect(self, query: dict[str, str]) -> None:
        self._answer(int(query.get("status", "302")), b"", Location=query["to"])

    def page_loop(self, query: dict[str, str]) -> None:
        self._answer(302, b"", Location="/loop")

    def page_gzip(self, query: dict[str, str]) -> None:
        self._answer(200, gzip.compress(b"<p>packed</p>" * 100), Content_Encoding="gzip")

    def page_bomb(self, query: dict[str, str]) -> None:
        self._answer(200, BOMB, Content_Encoding="gzip")

    def page_brotli(self, query: dict[str, str]) -> None:
        self._answer(200, b"\x1b\x00", Content_Encoding="br")

    def page_huge_declared(self, query: dict[str, str]) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()

    def page_endless(self, query: dict[str, str]) -> None:
        """No Content-Length, no end: bytes until the client hangs up."""
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            while not self.server.stop.is_set():
                self.wfile.write(CHUNK)
        except OSError:
            pass  # the fetcher stopped reading: what the test wants

    def page_drip(self, query: dict[str, str]) -> None:
        """One byte at a time, each well inside any read timeout, forever."""
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            while not self.server.stop.wait(0.02):
                self.wfile.write(b".")
                self.wfile.flush()
        except OSError:
            pass


BOMB = gzip.compress(b"\0" * (20 * 1024 * 1024), compresslevel=9)


@contextmanager
def peer(host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A peer server for the duration; yields its base URL (no trailing slash)."""

    class Server(_Peer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = Server((host, 0), _Handler)
    server.stop = threading.Event()
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"{'https' if tls else 'http'}://{shown}:{port}"
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


@contextmanager
def silent_peer() -> Iterator[str]:
    """Accepts connections (the kernel does, into the backlog) and never answers a byte."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
