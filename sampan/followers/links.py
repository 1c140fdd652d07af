"""Signed links in follower mail. Each names its purpose (the signing salt) and stops working after a while.

- confirm: the double opt-in link, 7 days (as long as an unconfirmed address is kept).
- unsubscribe: one click, no sign-in (RFC 8058 one-click POST, or a button on the page), for about a year, so
  that the link in an old mail still works.
- manage: choose instant mail or a weekly digest, stop follow-up comment mail, unsubscribe; also a year.
- stop-comments: no more follow-up comment mail about one post; a year.

A link carries ids and the address it was made for; the signature (the site's secret key) is the authority.
Opening a link never changes anything: its page asks for a button press (a POST).
"""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

CONFIRM_AGE = timedelta(days=7)
MAIL_LINK_AGE = timedelta(days=400)
SALTS = {
    "confirm": "sampan.followers.confirm",
    "unsubscribe": "sampan.followers.unsubscribe",
    "manage": "sampan.followers.manage",
    "stop_comments": "sampan.followers.stop-comments",
}


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was altered, cut short, or made for something else."""


@dataclass(frozen=True)
class Signed:
    email: str
    follower_id: int = 0
    post_id: int = 0


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@functools.cache
def _signer(purpose: str, key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=key, salt=SALTS[purpose])


def make(purpose: str, *, email: str, follower_id: int = 0, post_id: int = 0) -> str:
    # The same tokens as `signing.dumps`; one signer per purpose, since a fan-out makes two per follower.
    return _signer(purpose, settings.SECRET_KEY).sign_object({"e": email, "f": follower_id, "p": post_id})


@functools.cache
def _address_around(purpose: str) -> tuple[str, str]:
    # Worked out once per process: a fan-out makes two links for every follower.
    before, after = reverse(f"followers:{purpose}", args=["TOKEN"]).split("TOKEN")
    return absolute(before), after


def url(purpose: str, **what: object) -> str:
    before, after = _address_around(purpose)
    return before + make(purpose, **what) + after  # type: ignore[arg-type]


def read(purpose: str, token: str) -> Signed:
    age = CONFIRM_AGE if purpose == "confirm" else MAIL_LINK_AGE
    try:
        data = signing.loads(token, salt=SALTS[purpose], max_age=age)
    except signing.SignatureExpired as err:
        raise LinkExpired from err
    except (signing.BadSignature, ValueError, UnicodeError) as err:
        raise LinkInvalid from err
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or "@" not in data["e"]:
        raise LinkInvalid
    follower_id, post_id = data.get("f"), data.get("p")
    if not isinstance(follower_id, int) or not isinstance(post_id, int):
        raise LinkInvalid
    return Signed(email=data["e"], follower_id=follower_id, post_id=post_id)
