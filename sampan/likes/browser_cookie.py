"""How a browser that liked is recognised: a signed `sampan_liker` cookie, set only when its reader likes.

Why a cookie and not a script-kept token: it works without JavaScript (the like form is a plain POST), and the
server can render "You like this" and the Unlike button itself. It is set only on the like itself, so readers who
never like carry no cookie at all. It holds a random token (no name, no address); the table stores only a keyed
hash of it. Any `sampan_` cookie makes the page cache answer that reader with a freshly rendered page, which is
what they need to see their own like. It is removed again when the browser's last like is taken back.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE = "sampan_liker"
SALT = "sampan.likes.browser"
MAX_AGE = 365 * 24 * 3600


def read_token(request: HttpRequest) -> str | None:
    value = request.COOKIES.get(COOKIE)
    if not value:
        return None
    try:
        token = signing.loads(value, salt=SALT, max_age=MAX_AGE)  # a copied cookie stops working too
    except signing.BadSignature:
        return None
    return token if isinstance(token, str) else None


def new_token() -> str:
    return secrets.token_urlsafe(24)


def remember(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        signing.dumps(token, salt=SALT),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SITE_URL.startswith("https://"),
    )


def forget(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")
