"""Same-origin checks for public forms that take a POST with no prior cookie (comment, follow, like, …).

Cookie CSRF would make a first-time reader's form depend on a cookie set by an earlier page (and would stop
those pages being cached for everyone). Instead, these forms are exempt from Django's CSRF middleware and ask
the browser where the request came from: modern browsers send `Sec-Fetch-Site`, and every browser sends
`Origin` with a POST. A cross-site form post (the attack CSRF is about) is refused; a request that says
nothing about its origin (some scripts) falls back to the `Referer`, and without one is refused too.
"""

import contextlib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}".lower()


def site_origins(request: HttpRequest) -> set[str]:
    """The origins this site answers as: the configured site URL, trusted origins, and the request's own."""
    origins = {_origin_of(settings.SITE_URL), *(_origin_of(o) for o in settings.CSRF_TRUSTED_ORIGINS)}
    # A host Django does not serve (DisallowedHost) does not count; the configured origins still do.
    with contextlib.suppress(DisallowedHost):
        origins.add(f"{request.scheme}://{request.get_host()}".lower())
    return {origin for origin in origins if origin}


def is_same_origin_post(request: HttpRequest) -> bool:
    """Whether a POST comes from a page of this site, by the browser's own word."""
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin", "")
    if origin:
        return origin.lower() in site_origins(request)
    referer = request.headers.get("Referer", "")
    return bool(referer) and _origin_of(referer) in site_origins(request)
