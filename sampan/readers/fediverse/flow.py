"""A Fediverse sign-in from start to end: which instance, its app registration (made once, then reused), the
reader's approval there, and what the instance says about them, ending in `sign_in_identity`.

What this browser started is kept in its session (state, PKCE verifier, instance, where to go next) and taken
out of it by the callback, so a callback in another browser, a changed or replayed `state` finds nothing.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from sampan.core import ratelimit
from sampan.core.models import SiteSettings
from sampan.readers import blocking
from sampan.readers.services import refused, sign_in_identity

from . import client
from .handles import NotAnInstance, instance_of
from .models import FediverseApp
from .profile import NotThisInstance, identity_of

SESSION_KEY = "fediverse_sign_in"
PENDING_SECONDS = 30 * 60
# A reader signs in from one or two instances; trying many unknown ones from one address is someone making
# Sampan register itself (and knock) everywhere. Known instances cost nothing and are not counted.
NEW_INSTANCE_LIMIT = 10
NEW_INSTANCE_WINDOW = 3600
MAX_NEXT = 2000


@dataclass
class SignInProblem(Exception):
    """Why this sign-in cannot go on, in a sentence for the reader, with the HTTP status to answer with."""

    message: str
    status: int = 400

    def __str__(self) -> str:
        return self.message


def start_sign_in(request: HttpRequest, *, account: str, next_url: str) -> str:
    """Where to send the reader to approve: their instance's authorize page."""
    try:
        instance = instance_of(account)
    except NotAnInstance as exc:
        raise SignInProblem(str(exc)) from None
    if reason := blocking.refusal_for(issuer=instance, subject=""):
        raise SignInProblem(reason, status=403)  # a blocked instance is not even asked
    return _send_to_approve(request, app_for(instance, request=request), next_url=next_url)


def _send_to_approve(request: HttpRequest, app: FediverseApp, *, next_url: str) -> str:
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(48)
    request.session[SESSION_KEY] = {
        "state": state,
        "verifier": verifier,
        "instance": app.instance,
        "next": next_url[:MAX_NEXT],
        "started": time.time(),
    }
    return client.authorize_url(app, state=state, code_challenge=_challenge(verifier))


def app_for(instance: str, *, request: HttpRequest, scope: str = "") -> FediverseApp:
    """The stored registration for `instance`, or a new one once the instance answered like a Mastodon API (for
    `scope`, when given, else the one the instance supports). Nothing is stored unless registration worked."""
    redirect_uri = request.build_absolute_uri(reverse("fediverse:callback"))
    known = FediverseApp.objects.filter(instance=instance).first()
    if known is not None and known.redirect_uri == redirect_uri and scope in ("", known.scopes):
        return known
    if known is None and not ratelimit.allow(
        "fediverse-new-instance", ratelimit.client_key(request), limit=NEW_INSTANCE_LIMIT,
        window=NEW_INSTANCE_WINDOW,
    ):  # fmt: skip
        raise SignInProblem("Too many sign-ins with new servers from here. Try again in an hour.", status=429)
    try:
        scope = scope or client.scope_for(instance)
        client_id, client_secret = client.register(
            instance, client_name=_client_name(), redirect_uri=redirect_uri, scope=scope,
            website=settings.SITE_URL,
        )  # fmt: skip
    except client.InstanceError as exc:
        raise SignInProblem(_could_not(instance, exc), status=502) from None
    values = {
        "client_id": client_id,
        "client_secret": client_secret,
        "scopes": scope,
        "redirect_uri": redirect_uri,
    }
    try:
        with transaction.atomic():
            app, _ = FediverseApp.objects.update_or_create(instance=instance, defaults=values)
    except IntegrityError:  # another sign-in registered at the same moment: use theirs
        app = FediverseApp.objects.get(instance=instance)
    return app


def finish_sign_in(request: HttpRequest, *, params: dict[str, str]) -> HttpResponse:
    """The reader is back from their instance: check it is the sign-in this browser started, read who they are
    (the token is revoked right after, whatever follows), and sign them in."""
    pending = _take_pending(request, params.get("state", ""))
    app = FediverseApp.objects.filter(instance=pending["instance"]).first()
    if params.get("error") == "invalid_scope" and app is not None and app.scopes == client.PROFILE_SCOPE:
        # The server listed `profile` yet refuses it: register for the older scope and ask the reader once more.
        older = app_for(app.instance, request=request, scope=client.OLD_SCOPE)
        return HttpResponseRedirect(_send_to_approve(request, older, next_url=pending["next"]))
    if params.get("error"):
        raise SignInProblem(f"{pending['instance']} did not approve the sign-in, so you are not signed in.")
    code = params.get("code", "")
    if not code or app is None:
        raise SignInProblem("The answer from your server was incomplete. Please start again.")
    try:
        token = client.exchange_code(app, code=code, code_verifier=pending["verifier"])
        try:
            account = client.verify_credentials(app.instance, token)
        finally:
            client.revoke(app, token)
        identity = identity_of(account, instance=app.instance)
    except (client.InstanceError, NotThisInstance) as exc:
        raise SignInProblem(_could_not(app.instance, exc), status=502) from None
    # The owner may have blocked the account by its address (@name@instance), which the identity does not carry.
    handle = f"{account.get('username')}@{app.instance}"
    if reason := blocking.refusal_for(issuer=app.instance, subject=handle):
        return refused(request, reason)
    return sign_in_identity(request, method="fediverse", next_url=pending["next"], **identity)


def _take_pending(request: HttpRequest, state: str) -> dict[str, Any]:
    pending = request.session.pop(SESSION_KEY, None)
    fresh = isinstance(pending, dict) and time.time() - float(pending.get("started", 0)) < PENDING_SECONDS
    expected = str(pending["state"]).encode() if fresh else b""  # type: ignore[index]
    if not (expected and secrets.compare_digest(expected, state.encode("utf-8", "replace"))):
        raise SignInProblem(
            "This sign-in was not started in this browser, was already used, or took too long. "
            "Nobody was signed in; please start again."
        )
    return pending  # type: ignore[return-value]


def _could_not(instance: str, why: Exception) -> str:
    return f"Sampan could not sign you in with {instance}: {str(why).rstrip('.')}."


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _client_name() -> str:
    return (SiteSettings.load().title or "Sampan")[:100]
