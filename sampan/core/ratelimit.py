"""Rate limits: how often one client may try something (sign in, post a form) in a window of time.

Counters live in the shared cache, so every process counts together. A client is named by a keyed hash of
its address (never the raw IP address), so nothing that identifies a reader is stored.
"""

import hashlib
import hmac
import math
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
    """Count one attempt; False when `limit` attempts in the last `window` seconds were already made."""
    bucket, elapsed = _bucket(window)
    name = _name(purpose, key, bucket)
    cache.add(name, 0, 2 * window + 1)  # it is still the previous bucket during the next window
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, 2 * window + 1)
        count = 1
    previous = int(cache.get(_name(purpose, key, bucket - 1), 0))
    return _attempts(count, previous, elapsed) <= limit


def retry_after(purpose: str, key: str, *, limit: int, window: int) -> int:
    """Seconds until one more attempt would be allowed: 0 when it is allowed now.

    The last `window` seconds are estimated from two fixed buckets, the current one and the one before,
    whose attempts are taken as spread evenly over it. So attempts that straddle a bucket's end still add
    up, and the allowance comes back gradually as the older attempts slide out of the window.
    """
    bucket, elapsed = _bucket(window)
    names = [_name(purpose, key, bucket), _name(purpose, key, bucket - 1)]
    found = cache.get_many(names)
    current, previous = (int(found.get(name, 0)) for name in names)
    if _attempts(current, previous, elapsed) < limit:
        return 0
    if current < limit:  # wait until enough of the previous bucket has slid out
        frees_at = 1 - (limit - 1 - current) / previous
        return max(1, math.ceil((frees_at - elapsed) * window))
    # Wait for the next bucket, then until enough of this one has slid out.
    frees_at = 1 - (limit - 1) / current
    return max(1, math.ceil((1 - elapsed + frees_at) * window))


def _bucket(window: int) -> tuple[int, float]:
    bucket, into = divmod(time.time(), window)
    return int(bucket), into / window


def _name(purpose: str, key: str, bucket: int) -> str:
    if not (key.isascii() and key.isprintable()) or " " in key or len(key) > 100:
        # A key from outside (a host name as a sender gave it) made safe for every cache backend (memcached
        # refuses spaces, control characters and long keys).
        key = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    return f"ratelimit:{purpose}:{key}:{bucket}"


def _attempts(current: int, previous: int, elapsed: float) -> int:
    """Attempts in the last window: this bucket's, and the part of the previous one still inside it."""
    return math.ceil(current + previous * (1 - elapsed) - 1e-9)
