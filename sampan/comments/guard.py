"""Checks at the comment form that tell a person's browser on this site from a forged or automated post.

- Where it comes from: the public form takes a same-origin POST with no prior cookie (so post pages stay
  cacheable and a first-time reader needs nothing set beforehand). Instead of Django's cookie CSRF, the browser
  says where the post comes from (`Sec-Fetch-Site`, `Origin`, `Referer`: `sampan.core.origin`); a cross-site post
  is refused. A client that sends none of those headers (some old browsers, scripts) is judged by the signed
  form token alone.
- The form token: signed (so it cannot be made elsewhere), naming the post and when the form was made. It gives
  the minimum time to submit: people take a moment to write; bots post at once.
- The honeypot: a field hidden from people (and from screen readers and the keyboard) that bots fill in.
"""

import time
from dataclasses import dataclass

from django.core import signing
from django.http import HttpRequest

from sampan.core.origin import is_same_origin_post

TOKEN_SALT = "sampan.comments.form"  # noqa: S105 (a signing salt, not a secret)
# A form older than this is sent back with a fresh token: long enough for a page left open over a weekend.
TOKEN_MAX_AGE = 3 * 24 * 3600
HONEYPOT_FIELD = "sampan_homepage"
TOKEN_FIELD = "sampan_form"  # noqa: S105 (a field name)


@dataclass(frozen=True)
class Refusal:
    message: str
    status: int = 400


def make_token(post_id: int) -> str:
    return signing.dumps({"post": post_id, "at": int(time.time())}, salt=TOKEN_SALT, compress=True)


def from_elsewhere(request: HttpRequest) -> Refusal | None:
    """A refusal when the browser says the post was made on another site."""
    says = any(request.headers.get(h) for h in ("Sec-Fetch-Site", "Origin", "Referer"))
    if not says or request.headers.get("Sec-Fetch-Site", "").lower() == "none":
        return None  # nothing said (or typed by the reader themself): the signed token decides
    if is_same_origin_post(request):
        return None
    return Refusal(
        "This comment was sent from a page on another site, so it was not posted. If you wrote it, "
        "check it below and send it again from here.",
        status=403,
    )


def check_token(token: str, *, post_id: int, min_seconds: int, now: float | None = None) -> Refusal | None:
    """A refusal for a missing, forged, stale or too quick form; None for a good one.

    The time is the form's, not the reader's visit: a page served from the cache carries a token made when the
    page was rendered, so a reader of a cached page is never held up, while a bot that fetches a fresh page and
    posts at once is.
    """
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        made_at, for_post = int(data["at"]), int(data["post"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return Refusal("This form did not come from this page. Please check your comment and send it again.")
    if for_post != post_id:
        return Refusal("This form belongs to another post. Please check your comment and send it again.")
    age = (now if now is not None else time.time()) - made_at
    if age > TOKEN_MAX_AGE:
        return Refusal("This form was open for a long time. Please check your comment and send it again.")
    if age < min_seconds:
        return Refusal(
            "That was very quick: comments sent within seconds of opening the page are usually from bots. "
            "Please check your comment and send it again."
        )
    return None


def honeypot_filled(request: HttpRequest) -> Refusal | None:
    if request.POST.get(HONEYPOT_FIELD, ""):
        return Refusal(
            "A field meant to stay empty was filled in, which bots do and people do not. "
            "If you are a person, please send your comment again."
        )
    return None
