"""Rate limits: how often one client may try something (sign in, post a form) in a window of time.

Counters live in the shared cache, so every process counts together. A client is named by a keyed hash of
its address (never the raw IP address), so nothing that identifies a reader is stored.
"""

import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    address = reader_address(request.META)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def reader_address(environ: Mapping[str, Any]) -> str:
    """The reader's address: behind a proxy on this machine (deploy/nginx.conf), the one the proxy was asked by.

    `X-Forwarded-For` is believed only from a loopback peer, which only a local proxy can be; the last entry is
    the one that proxy added.
    """
    peer = str(environ.get("REMOTE_ADDR", ""))
    forwarded = str(environ.get("HTTP_X_FORWARDED_FOR", ""))
    if forwarded and (peer.startswith("127.") or peer == "::1"):
        return forwarded.rsplit(",", 1)[-1].strip()
    return peer


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
