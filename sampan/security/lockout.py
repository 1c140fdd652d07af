"""Lockout of repeated failed admin sign-ins, per account and per client.

Failures are counted in the shared cache (sampan.core.ratelimit) under keyed hashes: of the account name as
typed (whether or not such an account exists, so the answer never tells which names are real) and of the
client's address (never stored as is). Wrong passwords and wrong two-step codes count alike.
"""

import hashlib
import hmac
import math

from django.conf import settings
from django.http import HttpRequest

from sampan.core import ratelimit

WINDOW = 15 * 60
ACCOUNT_LIMIT = 5  # a person mistyping does not get there; a guesser gets 20 tries an hour per account
CLIENT_LIMIT = 20  # one address trying many accounts


def _account(username: str) -> str:
    name = username.strip().casefold().encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"signin:" + name, hashlib.sha256).hexdigest()[:32]


def minutes_locked(request: HttpRequest, username: str) -> int:
    """0 when a sign-in may be tried; otherwise the minutes until it may be again."""
    seconds = max(
        ratelimit.retry_after("signin-account", _account(username), limit=ACCOUNT_LIMIT, window=WINDOW),
        ratelimit.retry_after(
            "signin-client", ratelimit.client_key(request), limit=CLIENT_LIMIT, window=WINDOW
        ),
    )
    return math.ceil(seconds / 60)


def record_failure(request: HttpRequest, username: str) -> None:
    ratelimit.allow("signin-account", _account(username), limit=ACCOUNT_LIMIT, window=WINDOW)
    ratelimit.allow("signin-client", ratelimit.client_key(request), limit=CLIENT_LIMIT, window=WINDOW)


def message(minutes: int) -> str:
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed sign-ins; try again in {minutes} {unit}."
