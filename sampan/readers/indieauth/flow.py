"""One IndieAuth sign-in, from the redirect to the reader's server to the confirmed profile URL.

    url = authorization_url(request, profile=me, server=server, next_url="/2026/11/26/post/")
    ...  # the reader approves at their server, which sends them back to the callback
    identity = finish(request, request.GET)   # SignedIn(me=…, …) or SignInRefused

What is in flight (state, PKCE verifier, server, typed profile, where to return) lives in the reader's session,
keyed by the state, and is taken out the moment the callback arrives: a replayed, altered or foreign state finds
nothing. The code is redeemed at the authorization endpoint (a profile-only sign-in needs no token), and a `me`
other than the one discovered from must itself name the same server (the standard's "authorization server
confirmation"), or anyone's server could answer for anyone's website.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from sampan.core.outbound import OutboundError, fetch

from .discovery import DiscoveryFailed, Server, discover
from .profile_url import NotAProfileURL, profile_url

SESSION_KEY = "indieauth_sign_ins"
KEPT = 5  # sign-ins in flight per browser (a reader may start in several tabs)
LIFETIME = 15 * 60  # seconds to approve at their server
PURPOSE = "IndieAuth sign-in"
ANSWER_LIMIT = 64 * 1024
ANSWER_TIMEOUT = 10.0


class SignInRefused(Exception):
    """The sign-in cannot be completed; nobody is signed in. The message says why, for the reader."""


@dataclass(frozen=True)
class SignedIn:
    me: str
    issuer: str  # the metadata's issuer, or the authorization endpoint for a server of the older form
    display_name: str
    photo: str
    next_url: str


def client_id() -> str:
    return settings.SITE_URL + "/"


def redirect_uri() -> str:
    return settings.SITE_URL + reverse("indieauth:callback")


def authorization_url(request: HttpRequest, *, profile: str, server: Server, next_url: str) -> str:
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    pending = _pending(request)
    pending[state] = {
        "verifier": verifier,
        "endpoint": server.authorization_endpoint,
        "issuer": server.issuer,
        "me": profile,
        "next": next_url,
        "started": time.time(),
    }
    request.session[SESSION_KEY] = dict(sorted(pending.items(), key=lambda kv: kv[1]["started"])[-KEPT:])
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id(),
            "redirect_uri": redirect_uri(),
            "state": state,
            "code_challenge": _challenge(verifier),
            "code_challenge_method": "S256",
            "me": profile,
            "scope": "profile",
        }
    )
    separator = "&" if urlsplit(server.authorization_endpoint).query else "?"
    return server.authorization_endpoint + separator + query


def finish(request: HttpRequest, answer: Mapping[str, str]) -> SignedIn:
    started = _take_started(request, answer.get("state", ""))
    if error := answer.get("error"):
        raise SignInRefused(f"Your sign-in server did not sign you in ({error[:100]}).")
    if started["issuer"] and answer.get("iss") != started["issuer"]:
        raise SignInRefused("The answer did not come from the sign-in server your website names.")
    code = answer.get("code", "")
    if not code:
        raise SignInRefused("Your sign-in server sent you back without a code.")
    confirmed = _redeemed(started, code)
    me = _confirmed_me(confirmed.get("me"), started)
    profile = confirmed.get("profile")
    name, photo = (profile.get("name"), profile.get("photo")) if isinstance(profile, dict) else (None, None)
    return SignedIn(
        me=me,
        issuer=started["issuer"] or started["endpoint"],
        display_name=name.strip() if isinstance(name, str) and name.strip() else urlsplit(me).hostname or me,
        photo=photo if isinstance(photo, str) and urlsplit(photo).scheme in {"http", "https"} else "",
        next_url=started["next"],
    )


def _pending(request: HttpRequest) -> dict[str, dict[str, Any]]:
    now = time.time()
    pending = request.session.get(SESSION_KEY, {})
    return {state: s for state, s in pending.items() if now - s["started"] < LIFETIME}


def _take_started(request: HttpRequest, state: str) -> dict[str, Any]:
    """The sign-in this state belongs to, removed from the session so it can be used only once."""
    pending = _pending(request)
    given = state.encode("utf-8", "surrogateescape")  # compare_digest takes str only when it is ASCII
    found = next((s for known, s in pending.items() if hmac.compare_digest(known.encode(), given)), None)
    if found is None or not state:
        raise SignInRefused(
            "This sign-in was not started in this browser, has already been used, or took too long. "
            "Please start again."
        )
    request.session[SESSION_KEY] = {k: v for k, v in pending.items() if v is not found}
    return found


def _redeemed(started: dict[str, Any], code: str) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id(),
        "redirect_uri": redirect_uri(),
        "code_verifier": started["verifier"],
    }
    try:
        answer = fetch(
            started["endpoint"], purpose=PURPOSE, method="POST", data=form,
            headers={"Accept": "application/json"}, max_bytes=ANSWER_LIMIT, timeout=ANSWER_TIMEOUT,
            follow_redirects=False,
        )  # fmt: skip
    except OutboundError as exc:
        raise SignInRefused(f"Sampan could not reach your sign-in server: {exc}.") from None
    try:
        confirmed = json.loads(answer.body)
    except ValueError:
        confirmed = None
    if answer.status != 200 or not isinstance(confirmed, dict):
        error = confirmed.get("error") if isinstance(confirmed, dict) else None
        told = f" ({error[:100]})" if isinstance(error, str) else ""
        raise SignInRefused(f"Your sign-in server did not confirm the sign-in{told}.")
    return confirmed


def _confirmed_me(returned: object, started: dict[str, Any]) -> str:
    if not isinstance(returned, str):
        raise SignInRefused("Your sign-in server did not say who you are.")
    try:
        me = profile_url(returned)
    except NotAProfileURL:
        raise SignInRefused(
            "Your sign-in server answered with an address that cannot name a person."
        ) from None
    if me == started["me"]:
        return me
    try:
        server = discover(me)
    except DiscoveryFailed as exc:
        raise SignInRefused(
            f"Your sign-in server answered for {me}, which Sampan could not check: {exc}"
        ) from None
    if (server.authorization_endpoint, server.issuer) != (started["endpoint"], started["issuer"]):
        raise SignInRefused(
            f"Your sign-in server answered for {me}, which does not name that server as its own."
        )
    return me


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
