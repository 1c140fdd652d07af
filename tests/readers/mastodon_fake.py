"""A fake Mastodon instance: a real HTTPS server on its own loopback address, in a thread, speaking the parts of
Mastodon's API that a sign-in uses, and recording every call so tests can say what Sampan asked for.

    with mastodon_instance(ca, "127.0.0.2") as instance:   # instance.host == "127.0.0.2:<port>"
        ...
        callback_url = instance.approve(authorize_url)       # what the reader's "Authorize" click does

`version="4.2"` makes an older server: no /.well-known/oauth-authorization-server, and no `profile` scope (its
app registration refuses one, as Mastodon refuses unknown scopes). `account` replaces fields of the account it
describes; `misbehave="<path>:<how>"` makes one path answer badly (see `_Handler.misbehaviour`).
"""

import base64
import contextlib
import hashlib
import html
import json
import secrets
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import trustme

from sampan.core import outbound_policy


@dataclass
class Call:
    method: str
    path: str
    form: dict[str, str]
    authorization: str = ""


@dataclass
class FakeMastodon:
    host: str
    version: str = "4.3"
    account: dict[str, Any] = field(default_factory=dict)
    refuses_profile: bool = False  # lists the `profile` scope, yet its authorize page refuses it
    misbehave: str = ""  # the path that answers badly
    misbehave_how: str = ""  # huge, redirects, refuse, private or slow
    calls: list[Call] = field(default_factory=list)
    apps: dict[str, dict[str, str]] = field(default_factory=dict)  # client_id → registration
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # code → authorize request
    tokens: dict[str, bool] = field(default_factory=dict)  # token → still valid
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"https://{self.host}"

    @property
    def scopes(self) -> list[str]:
        known = ["read", "write", "follow", "push", "read:accounts"]
        return [*known, "profile"] if self.version >= "4.3" else known

    def called(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    def described_account(self) -> dict[str, Any]:
        return {
            "id": "109876",
            "username": "you",
            "acct": "you",
            "display_name": "You Reader",
            "url": f"{self.url}/@you",
            "avatar_static": f"{self.url}/avatars/you.png",
            **self.account,
        }

    def approve(self, authorize_url: str) -> str:
        """The reader clicks "Authorize": where the instance sends their browser next."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        app = self.apps.get(query.get("client_id", ""))
        if app is None or query.get("redirect_uri") != app["redirect_uris"]:
            raise AssertionError(f"the fake refuses this authorize request: {query}")
        back = {"state": query.get("state", "")}
        requested = query.get("scope", "read").split()
        refused = self.refuses_profile and "profile" in requested
        if (
            query.get("response_type") != "code"
            or not set(requested) <= set(app["scopes"].split())
            or refused
        ):
            back["error"] = "invalid_scope"
        else:
            code = secrets.token_urlsafe(16)
            self.codes[code] = query
            back["code"] = code
        return f"{app['redirect_uris']}?{urlencode(back)}"

    def token_for(self, form: dict[str, str]) -> str | None:
        request = self.codes.pop(form.get("code", ""), None)  # a code works once
        app = self.apps.get(form.get("client_id", ""))
        if request is None or app is None or app["client_secret"] != form.get("client_secret"):
            return None
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        ).rstrip(b"=")
        if request["code_challenge"] != challenge.decode() or request["redirect_uri"] != form.get(
            "redirect_uri"
        ):
            return None
        token = secrets.token_urlsafe(24)
        self.tokens[token] = True
        return token


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._route()

    def do_POST(self) -> None:
        self._route()

    def _route(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else parts.query
        form = {k: v[0] for k, v in parse_qs(body).items()}
        fake.calls.append(Call(self.command, parts.path, form, self.headers.get("Authorization", "")))
        if parts.path == fake.misbehave or (fake.misbehave and parts.path.startswith("/hop/")):
            return self.misbehaviour(fake.misbehave_how, parts.path)
        route = _ROUTES.get((self.command, parts.path))
        if route is None:
            return self._json(404, {"error": "Record not found"})
        route(self, fake, form)

    def misbehaviour(self, how: str, path: str) -> None:
        if how == "huge":
            return self._json(200, {"uri": "x", "version": "4.2.0", "padding": "x" * (2 * 1024 * 1024)})
        if how == "redirects":  # eleven hops, then an answer
            hop = int(path.rsplit("/", 1)[1]) if path.startswith("/hop/") else 0
            target = f"/hop/{hop + 1}" if hop < 11 else "/api/v1/instance"
            return self._answer(302, b"", "text/plain", Location=target)
        if how == "refuse":
            return self._json(422, {"error": "Validation failed"})
        if how == "private":
            return self._answer(302, b"", "text/plain", Location="https://10.0.0.1/api/v1/instance")
        if how == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            while not self.server.fake.stop.wait(0.05):
                self.wfile.write(b" ")
                self.wfile.flush()
            return None
        raise AssertionError(f"unknown misbehaviour {how}")

    def _answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):  # Sampan stopped reading (a size limit): what that test is about
            self.wfile.write(body)

    def _json(self, status: int, data: object) -> None:
        self._answer(status, json.dumps(data).encode(), "application/json; charset=utf-8")

    def metadata(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        if fake.version < "4.3":
            return self._json(404, {"error": "Record not found"})
        self._json(200, {
            "issuer": f"{fake.url}/", "authorization_endpoint": f"{fake.url}/oauth/authorize",
            "token_endpoint": f"{fake.url}/oauth/token", "revocation_endpoint": f"{fake.url}/oauth/revoke",
            "scopes_supported": fake.scopes, "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"], "grant_types_supported": ["authorization_code"],
        })  # fmt: skip

    def instance(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        self._json(200, {"uri": fake.host, "title": "Fake Mastodon", "version": f"{fake.version}.0"})

    def register(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        scopes = form.get("scopes", "read")
        if not set(scopes.split()) <= set(fake.scopes) or not form.get("redirect_uris"):
            return self._json(422, {"error": "Validation failed: Scopes are invalid"})
        client_id = secrets.token_urlsafe(12)
        fake.apps[client_id] = {**form, "client_id": client_id, "client_secret": secrets.token_urlsafe(24)}
        self._json(200, {"id": str(len(fake.apps)), "name": form.get("client_name"), **fake.apps[client_id]})

    def authorize_page(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        fields = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in form.items()
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization required</title>'
            f"</head><body><main><h1>Authorize {html.escape(form.get('client_id', ''))}?</h1>"
            f'<form method="post" action="/oauth/authorize">{fields}<button>Authorize</button></form>'
            "</main></body></html>"
        )
        self._answer(200, page.encode(), "text/html; charset=utf-8")

    def authorize(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        self._answer(302, b"", "text/plain", Location=fake.approve(f"/?{urlencode(form)}"))

    def token(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        token = fake.token_for(form)
        if token is None:
            return self._json(400, {"error": "invalid_grant"})
        self._json(200, {"access_token": token, "token_type": "Bearer", "scope": "profile", "created_at": 1})

    def verify_credentials(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if not fake.tokens.get(token):
            return self._json(401, {"error": "The access token is invalid"})
        self._json(200, fake.described_account())

    def revoke(self, fake: FakeMastodon, form: dict[str, str]) -> None:
        app = fake.apps.get(form.get("client_id", ""))
        if app is None or app["client_secret"] != form.get("client_secret"):
            return self._json(403, {"error": "unauthorized_client"})
        fake.tokens[form.get("token", "")] = False
        self._json(200, {})


_ROUTES = {
    ("GET", "/.well-known/oauth-authorization-server"): _Handler.metadata,
    ("GET", "/api/v1/instance"): _Handler.instance,
    ("POST", "/api/v1/apps"): _Handler.register,
    ("GET", "/oauth/authorize"): _Handler.authorize_page,
    ("POST", "/oauth/authorize"): _Handler.authorize,
    ("POST", "/oauth/token"): _Handler.token,
    ("GET", "/api/v1/accounts/verify_credentials"): _Handler.verify_credentials,
    ("POST", "/oauth/revoke"): _Handler.revoke,
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    address_family = socket.AF_INET
    fake: FakeMastodon


@contextmanager
def mastodon_instance(
    ca: trustme.CA, address: str = "127.0.0.2", *, version: str = "4.3", misbehave: str = "",
    account: dict[str, Any] | None = None, refuses_profile: bool = False,
) -> Iterator[FakeMastodon]:  # fmt: skip
    """A fake instance serving HTTPS with a certificate from `ca` for `address`, for the duration."""
    server = _Server((address, 0), _Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(address).configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    path, _, how = misbehave.partition(":")
    server.fake = FakeMastodon(
        host=f"{address}:{server.server_address[1]}", version=version, account=account or {}, misbehave=path,
        misbehave_how=how, refuses_profile=refuses_profile,
    )  # fmt: skip
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.fake
    finally:
        server.fake.stop.set()
        server.shutdown()
        server.server_close()


# Fixtures under names of their own, so a test module imports them without shadowing its parameters:
@pytest.fixture(scope="session", name="mastodon_ca")
def mastodon_ca_fixture() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(name="reaching_fakes")
def reaching_fakes_fixture(settings, monkeypatch, mastodon_ca):
    """The outbound fetcher may reach loopback (as SAMPAN_OUTBOUND_ALLOW_LOOPBACK does) and trusts the fakes'
    certificate authority instead of the public ones."""
    settings.OUTBOUND_ALLOW_LOOPBACK = True

    def context() -> ssl.SSLContext:
        trusting = ssl.create_default_context()
        mastodon_ca.configure_trust(trusting)
        return trusting

    monkeypatch.setattr(outbound_policy, "tls_context", context)


@pytest.fixture(name="instance")
def instance_fixture(reaching_fakes, mastodon_ca) -> Iterator[FakeMastodon]:
    with mastodon_instance(mastodon_ca, "127.0.0.2") as fake:
        yield fake
