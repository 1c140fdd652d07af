"""Application passwords: make one, revoke one, and sign an API request in with one.

Both APIs (XML-RPC at /xmlrpc.php, REST at /api/) authenticate only through `authenticate()`.
"""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from sampan.core import ratelimit

from .models import ApplicationPassword

# Failed API sign-ins allowed per client, and per account, in a window (like the admin's login limits).
FAILURES_ALLOWED = 10
FAILURE_WINDOW = 300
PASSWORD_BYTES = 20  # 160 random bits


class AuthenticationFailed(Exception):
    """Wrong user name or application password (or an account that may not use the API)."""


class TooManyAttempts(Exception):
    """This client or account failed too often; it must wait for `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__("Too many failed sign-ins; try again later.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class NewPassword:
    record: ApplicationPassword
    password: str  # shown to the writer once, never stored


def _digest(password: str) -> str:
    # Writers may paste the password with the spaces apps add for readability.
    return hashlib.sha256("".join(password.split()).encode()).hexdigest()


def create_app_password(*, user: Any, label: str) -> NewPassword:
    password = secrets.token_hex(PASSWORD_BYTES)
    record = ApplicationPassword.objects.create(
        user=user, label=label.strip() or "API", digest=_digest(password)
    )
    return NewPassword(record=record, password=password)


def revoke_app_password(record: ApplicationPassword) -> None:
    record.delete()


def authenticate(*, username: str, password: str, request: HttpRequest | None = None) -> Any:
    """The active staff user whose application password this is, or AuthenticationFailed/TooManyAttempts."""
    client = ratelimit.client_key(request) if request is not None else "local"
    account = hashlib.sha256(username.casefold().encode()).hexdigest()[:32]
    wait = max(
        ratelimit.retry_after(purpose, key, limit=FAILURES_ALLOWED, window=FAILURE_WINDOW)
        for purpose, key in (("api-auth-client", client), ("api-auth-account", account))
    )
    if wait:
        raise TooManyAttempts(wait)
    record = (
        ApplicationPassword.objects.select_related("user")
        .filter(digest=_digest(password), user__username=username, user__is_active=True)
        .first()
    )
    if record is None or not record.user.is_staff:
        ratelimit.allow("api-auth-client", client, limit=FAILURES_ALLOWED, window=FAILURE_WINDOW)
        ratelimit.allow("api-auth-account", account, limit=FAILURES_ALLOWED, window=FAILURE_WINDOW)
        raise AuthenticationFailed("Incorrect username or application password.")
    ApplicationPassword.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record.user
