"""Rate limits: how often one client may try something (sign in, post a form) in a window of time.

Counters live in the shared cache, so every process counts together. A client is named by a keyed hash of
its address (never the raw IP address), so nothing that identifies a reader is stored.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def allow(purpose: str, key: str, *, limit: int, window: int) -> bool:
    """Count one attempt; False when `limit` attempts in the current `window` seconds were already made."""
    bucket = int(time.time() // window)
    name = f"ratelimit:{purpose}:{key}:{bucket}"
    cache.add(name, 0, window + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, window + 1)
        count = 1
    return count <= limit


def is_limited(purpose: str, key: str, *, limit: int, window: int) -> bool:
    """Whether `limit` attempts were made in the current window, without counting one more."""
    bucket = int(time.time() // window)
    return int(cache.get(f"ratelimit:{purpose}:{key}:{bucket}", 0)) >= limit
