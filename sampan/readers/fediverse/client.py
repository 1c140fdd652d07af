"""What Sampan asks of a Mastodon-compatible instance, each request through core's outbound fetcher.

Facts from Mastodon's API documentation: apps register with POST /api/v1/apps (client_name, redirect_uris,
scopes, website → client_id, client_secret); readers approve at /oauth/authorize; the code becomes a token at
POST /oauth/token; GET /api/v1/accounts/verify_credentials says whose token it is; POST /oauth/revoke ends it.
Servers from Mastodon 4.3 describe themselves at /.well-known/oauth-authorization-server, and their `profile`
scope lets an app read who the reader is and nothing else; older ones need `read:accounts` for the same call.
"""

import json
import logging
from typing import Any
from urllib.parse import urlencode

import httpx

from sampan.core.outbound import Fetched, OutboundError, fetch

from .models import FediverseApp

logger = logging.getLogger(__name__)

PROFILE_SCOPE = "profile"
OLD_SCOPE = "read:accounts"
MAX_ANSWER_BYTES = 512 * 1024
TIMEOUT = 10.0


class InstanceError(Exception):
    """The instance could not be asked, or did not answer as a Mastodon-compatible server does: one line, with
    the instance as "it" (the caller names it)."""


def base_url(instance: str) -> str:
    return f"https://{instance}"


def scope_for(instance: str) -> str:
    """The scope to ask this instance for; InstanceError when it does not answer like a Mastodon API."""
    metadata = _json_or_none(
        instance, "/.well-known/oauth-authorization-server", purpose="fediverse-discover"
    )
    if isinstance(metadata, dict) and isinstance(metadata.get("scopes_supported"), list):
        return PROFILE_SCOPE if PROFILE_SCOPE in metadata["scopes_supported"] else OLD_SCOPE
    about = _json_or_none(instance, "/api/v1/instance", purpose="fediverse-discover")
    if (
        isinstance(about, dict)
        and isinstance(about.get("version"), str)
        and isinstance(about.get("uri"), str)
    ):
        return OLD_SCOPE  # before 4.3: no metadata document and no `profile` scope
    raise InstanceError("it does not answer like a Mastodon-compatible server")


def register(
    instance: str, *, client_name: str, redirect_uri: str, scope: str, website: str
) -> tuple[str, str]:
    """Register Sampan on the instance; its (client_id, client_secret)."""
    form = {"client_name": client_name, "redirect_uris": redirect_uri, "scopes": scope, "website": website}
    answer = _post_json(instance, "/api/v1/apps", form, purpose="fediverse-register")
    client_id, client_secret = answer.get("client_id"), answer.get("client_secret")
    if (
        not isinstance(client_id, str)
        or not isinstance(client_secret, str)
        or not _fits(client_id, client_secret)
    ):
        raise InstanceError("it did not give Sampan an app registration it can use")
    return client_id, client_secret


def authorize_url(app: FediverseApp, *, state: str, code_challenge: str) -> str:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scope": app.scopes,
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{base_url(app.instance)}/oauth/authorize?{urlencode(query)}"


def exchange_code(app: FediverseApp, *, code: str, code_verifier: str) -> str:
    """The access token the approval code stands for."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "redirect_uri": app.redirect_uri,
        "code_verifier": code_verifier,
        "scope": app.scopes,
    }
    answer = _post_json(app.instance, "/oauth/token", form, purpose="fediverse-token")
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise InstanceError("it did not hand over a token for this sign-in")
    return token


def verify_credentials(instance: str, token: str) -> dict[str, Any]:
    """The account the token belongs to, as the instance describes it."""
    fetched = _fetch(
        instance, "/api/v1/accounts/verify_credentials", purpose="fediverse-profile",
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, follow_redirects=False,
    )  # fmt: skip
    account = _parsed(fetched, instance) if fetched.status == 200 else None
    if not isinstance(account, dict):
        raise InstanceError(f"it did not say whose account this is (HTTP {fetched.status})")
    return account


def revoke(app: FediverseApp, token: str) -> None:
    """End the token at once: Sampan needed it for one request. A failure is logged, never shown to the reader
    (the sign-in itself is already decided by then)."""
    form = {"client_id": app.client_id, "client_secret": app.client_secret, "token": token}
    try:
        fetched = _fetch(app.instance, "/oauth/revoke", purpose="fediverse-revoke", method="POST", data=form)
    except InstanceError as exc:
        logger.warning("Could not revoke a sign-in token at %s: %s", app.instance, exc)
        return
    if fetched.status != 200:
        logger.warning("Could not revoke a sign-in token at %s: HTTP %s", app.instance, fetched.status)


def _fetch(instance: str, path: str, *, purpose: str, **options: Any) -> Fetched:
    try:
        fetched = fetch(base_url(instance) + path, purpose=purpose, max_bytes=MAX_ANSWER_BYTES, timeout=TIMEOUT,
                        **options)  # fmt: skip
    except OutboundError as exc:
        raise InstanceError(f"it could not be reached: {exc}") from None
    if httpx.URL(fetched.url).netloc.decode() != instance:
        # A redirect to another host: that host is not the instance the reader named.
        raise InstanceError("it sent Sampan to another server")
    return fetched


def _json_or_none(instance: str, path: str, *, purpose: str) -> Any:
    fetched = _fetch(instance, path, purpose=purpose, headers={"Accept": "application/json"})
    return _parsed(fetched, instance) if fetched.status == 200 else None


def _post_json(instance: str, path: str, form: dict[str, str], *, purpose: str) -> dict[str, Any]:
    fetched = _fetch(
        instance, path, purpose=purpose, method="POST", data=form, headers={"Accept": "application/json"},
        follow_redirects=False,
    )  # fmt: skip
    answer = _parsed(fetched, instance) if fetched.status == 200 else None
    if not isinstance(answer, dict):
        raise InstanceError(f"it refused the request (HTTP {fetched.status})")
    return answer


def _parsed(fetched: Fetched, instance: str) -> Any:
    try:
        return json.loads(fetched.body)
    except (ValueError, UnicodeDecodeError):
        raise InstanceError("it answered with something other than JSON") from None


def _fits(*values: str) -> bool:
    return all(0 < len(value) <= 255 for value in values)
