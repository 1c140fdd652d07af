"""A small OpenID Connect provider in a thread, for the tests that need it to misbehave on purpose.

The real provider (npm's `oidc-provider`, `server.mjs` beside this file) issues only correct id_tokens; this one
signs whatever claims a test sets in `fake.claims` (a wrong `aud`, `iss` or `nonce`), checks the PKCE verifier at
its token endpoint as a real provider does, and records every request it gets with its User-Agent, so a test can
tell the browser's visits from the requests Sampan's server made.
"""

import base64
import hashlib
import io
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image

ADDRESS = "127.0.0.5"
CLIENT_ID, CLIENT_SECRET = "sampan-test-client", "a secret for tests"


@dataclass
class Seen:
    method: str
    path: str
    agent: str


@dataclass
class FakeProvider:
    issuer: str = ""
    claims: dict[str, Any] = field(default_factory=dict)  # overrides for the next id_tokens
    seen: list[Seen] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    picture: bytes = field(default_factory=lambda: _png((40, 120, 200)))

    def id_token(self, grant: dict[str, str]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": CLIENT_ID, "sub": grant["sub"], "nonce": grant["nonce"],
            "iat": now, "exp": now + 300, "jti": secrets.token_hex(8), **self.claims,
        }  # fmt: skip
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeProvider


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, status: int, body: Any = None, raw: bytes = b"", **headers: str) -> None:
        data = json.dumps(body).encode() if body is not None else raw
        self.send_response(status)
        if "Content-Type" not in headers:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def note(self) -> tuple[FakeProvider, str, dict[str, str]]:
        fake, url = self.server.fake, urlsplit(self.path)
        fake.seen.append(Seen(self.command, url.path, self.headers.get("User-Agent", "")))
        return fake, url.path, {k: v[0] for k, v in parse_qs(url.query).items()}

    def do_GET(self) -> None:
        fake, path, query = self.note()
        if path == "/.well-known/openid-configuration":
            return self.answer(200, {
                "issuer": fake.issuer, "authorization_endpoint": f"{fake.issuer}/authorize",
                "token_endpoint": f"{fake.issuer}/token", "userinfo_endpoint": f"{fake.issuer}/userinfo",
                "jwks_uri": f"{fake.issuer}/jwks", "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
            })  # fmt: skip
        if path == "/authorize":  # the reader approves at once, as "grace"
            code = secrets.token_urlsafe(16)
            fake.codes[code] = {"sub": "grace", "nonce": query.get("nonce", ""), **query}
            back = urlencode({"code": code, "state": query.get("state", "")})
            return self.answer(302, Location=f"{query['redirect_uri']}?{back}")
        if path == "/userinfo":
            return self.answer(200, {
                "sub": "grace", "name": "Grace Reader", "profile": f"{fake.issuer}/grace",
                "picture": f"{fake.issuer}/grace.png",
            })  # fmt: skip
        if path == "/grace.png":
            return self.answer(200, raw=fake.picture, **{"Content-Type": "image/png"})
        if path == "/jwks":
            return self.answer(200, fake.jwks())
        self.answer(404, {"error": "not_found"})

    def do_POST(self) -> None:
        fake, path, _ = self.note()
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        grant = fake.codes.pop(form.get("code", ""), None)
        if path != "/token" or grant is None or form.get("client_secret") != CLIENT_SECRET:
            return self.answer(400, {"error": "invalid_grant"})
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.get("code_challenge"):
            return self.answer(
                400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            )
        self.answer(200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                          "expires_in": 300, "id_token": fake.id_token(grant)})  # fmt: skip


def _png(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(out, "PNG")
    return out.getvalue()


@contextmanager
def running_fake() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    server = _Server((ADDRESS, 0), _Handler)
    server.fake = fake
    fake.issuer = f"http://{ADDRESS}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
