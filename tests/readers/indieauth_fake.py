"""A reader's own website and their IndieAuth server, for sign-in tests: two real HTTP servers in threads.

The website answers on 127.0.0.2 for any host name the test makes resolve there (`alice.test`, `bob.test`: the
profile URL must be a domain name), serving the pages a test puts in `fake.pages`. The sign-in server answers on
127.0.0.3: its metadata, a consent page a browser can approve, and code redemption, which checks the PKCE verifier
itself (a wrong one is `invalid_grant`) and takes each code once.
"""

import base64
import hashlib
import html
import http.client
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

SITE_ADDRESS, AUTH_ADDRESS = "127.0.0.2", "127.0.0.3"
METADATA_PATH = "/.well-known/oauth-authorization-server"


@dataclass
class Page:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    method: str
    me: str


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: "IndieAuthFake"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(
        self, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8", **headers: str
    ):  # type: ignore[no-untyped-def]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}


class _SiteHandler(_Handler):
    def do_GET(self) -> None:
        fake, path = self.server.fake, urlsplit(self.path).path
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        fake.site_visits.append(f"{host}{path}")
        if path.startswith("/hop/") and int(path.removeprefix("/hop/")) < 11:  # eleven redirects, then a page
            return self.answer(302, Location=f"/hop/{int(path.removeprefix('/hop/')) + 1}")
        if path == "/endless":
            return self._endless()
        if path == "/drip":
            return self._drip()
        page = fake.pages.get(f"{host}{path}")
        if page is None:
            return self.answer(404, b"not here")
        self.answer(page.status, page.body, **page.headers)

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            while not self.server.fake.stopped.is_set():
                self.wfile.write(b"<p>" + b"x" * 65536)
        except OSError:
            pass  # the fetcher stopped reading, as it should

    def _drip(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            while not self.server.fake.stopped.wait(0.02):
                self.wfile.write(b" ")
                self.wfile.flush()
        except OSError:
            pass


class _AuthHandler(_Handler):
    def do_GET(self) -> None:
        fake, parts = self.server.fake, urlsplit(self.path)
        if parts.path == METADATA_PATH:
            return self.answer(200, json.dumps(fake.metadata()).encode(), "application/json")
        if parts.path == "/auth":
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            fake.consent_pages.append(query)
            return self.answer(200, _consent_page(query))
        self.answer(404, b"not here")

    def do_POST(self) -> None:
        fake, path = self.server.fake, urlsplit(self.path).path
        if path == "/auth/approve":
            location = fake.approved(self.form())
            return self.answer(302, Location=location)
        if path == "/auth":
            status, answer = fake.redeem(self.form())
            return self.answer(status, json.dumps(answer).encode(), "application/json")
        self.answer(404, b"not here")


def _consent_page(query: dict[str, str]) -> bytes:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in query.items()
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Approve sign-in</title></head><body>'
        f"<main><h1>Sign in to {html.escape(query.get('client_id', ''))}</h1>"
        f"<p>as {html.escape(query.get('me', ''))}</p>"
        f'<form method="post" action="/auth/approve">{hidden}<button type="submit">Approve</button></form>'
        "</main></body></html>"
    ).encode()


def challenge_of(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class IndieAuthFake:
    def __init__(self) -> None:
        self.stopped = threading.Event()
        self.pages: dict[str, Page] = {}  # "alice.test/" -> what that page answers
        self.site_visits: list[str] = []
        self.consent_pages: list[dict[str, str]] = []  # what each consent page shown was asked
        self.approvals: list[dict[str, str]] = []  # what the reader approved
        self.redemptions: list[dict[str, str]] = []
        self.grants: dict[str, Grant] = {}
        self.profile: dict[str, Any] = {"name": "Alice Example"}
        self.answer_me: str | None = None  # the `me` redemption answers with, when not the one asked for
        self.answer_iss: str | None = None  # the `iss` the callback carries, when not this server's own
        self.metadata_changes: dict[str, Any] = {}  # what the metadata says otherwise
        self.servers: list[_Server] = []
        self.site = self._serve(SITE_ADDRESS, _SiteHandler)
        self.auth = self._serve(AUTH_ADDRESS, _AuthHandler)

    def _serve(self, address: str, handler: type[_Handler]) -> _Server:
        server = _Server((address, 0), handler)
        server.fake = self
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.servers.append(server)
        return server

    def close(self) -> None:
        self.stopped.set()
        for server in self.servers:
            server.shutdown()
            server.server_close()

    # --- the website -------------------------------------------------------------------------------------------

    @property
    def site_port(self) -> int:
        return int(self.site.server_address[1])

    @property
    def auth_url(self) -> str:
        return f"http://{AUTH_ADDRESS}:{self.auth.server_address[1]}"

    @property
    def issuer(self) -> str:
        return self.auth_url + "/"

    def profile_url(self, host: str, path: str = "/") -> str:
        return f"http://{host}:{self.site_port}{path}"

    def page(self, host: str, path: str = "/", **kwargs: Any) -> str:
        """Serve a page at `host` + `path`; returns its URL."""
        self.pages[f"{host}{path}"] = Page(**kwargs)
        return self.profile_url(host, path)

    def home_page_with_metadata_link(self, host: str, path: str = "/") -> str:
        link = f'<link rel="indieauth-metadata" href="{self.auth_url}{METADATA_PATH}">'
        return self.page(host, path, body=f"<!doctype html><title>{host}</title>{link}<p>Hi".encode())

    def home_page_with_metadata_header(self, host: str, path: str = "/") -> str:
        link = f'<{self.auth_url}{METADATA_PATH}>; rel="indieauth-metadata"'
        return self.page(host, path, body=b"<!doctype html><p>Hi", headers={"Link": link})

    def home_page_with_legacy_link(self, host: str, path: str = "/", endpoint: str = "") -> str:
        link = f'<link rel="authorization_endpoint" href="{endpoint or self.auth_url + "/auth"}">'
        return self.page(host, path, body=f"<!doctype html>{link}<p>Hi".encode())

    # --- the sign-in server -----------------------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.auth_url + "/auth",
            "token_endpoint": self.auth_url + "/token",
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": True,
        } | self.metadata_changes

    def approved(self, request: dict[str, str]) -> str:
        """The reader pressed Approve: a new code, and the redirect back to the client."""
        self.approvals.append(request)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            client_id=request.get("client_id", ""),
            redirect_uri=request.get("redirect_uri", ""),
            challenge=request.get("code_challenge", ""),
            method=request.get("code_challenge_method", ""),
            me=request.get("me", ""),
        )
        back = {"code": code, "state": request.get("state", ""), "iss": self.answer_iss or self.issuer}
        redirect_uri = request.get("redirect_uri", "")
        return redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(back)

    def redeem(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.redemptions.append(form)
        grant = self.grants.pop(form.get("code", ""), None)  # each code once, whatever happens next
        invalid = (400, {"error": "invalid_grant", "error_description": "that code is not valid"})
        if grant is None or form.get("grant_type") != "authorization_code":
            return invalid
        if (form.get("client_id"), form.get("redirect_uri")) != (grant.client_id, grant.redirect_uri):
            return invalid
        if grant.method != "S256" or challenge_of(form.get("code_verifier", "")) != grant.challenge:
            return invalid
        return 200, {"me": self.answer_me or grant.me, "profile": self.profile}

    def approve(
        self, authorization_url: str, *, change: Callable[[dict[str, str]], None] | None = None
    ) -> str:
        """What a browser does on the consent page: returns the callback URL the server sends the reader to."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorization_url).query).items()}
        if change is not None:
            change(query)
        connection = http.client.HTTPConnection(AUTH_ADDRESS, int(self.auth.server_address[1]), timeout=10)
        try:
            connection.request(
                "POST", "/auth/approve", body=urlencode(query),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            response = connection.getresponse()
            response.read()
            return str(response.headers["Location"])
        finally:
            connection.close()
