"""Signed links of the comments app: each names its purpose (the signing salt) and stops working after a while.

- Moderation links, in the post author's mail: approve, spam or trash one comment (7 days).
- The commenter's manage link, shown once after posting and in follow-up mail: edit for 15 minutes, delete (30 days).
- The personal-data link, mailed to an address on request: download or erase what is kept about it (1 day).

A link carries only ids and the address it was made for; the signature (the site's secret key) is the authority,
so no sign-in is needed. Opening a link never changes anything: each page asks for a button press (a POST).
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse

MODERATION_SALT = "sampan.comments.moderate"
MANAGE_SALT = "sampan.comments.manage"
PERSONAL_DATA_SALT = "sampan.comments.personal-data"

MODERATION_LINK_AGE = timedelta(days=7)
MANAGE_LINK_AGE = timedelta(days=30)
PERSONAL_DATA_LINK_AGE = timedelta(days=1)

MODERATION_ACTIONS = ("approve", "spam", "trash")


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was altered, cut short, or made for something else."""


@dataclass(frozen=True)
class ModerationLink:
    comment_id: int
    action: str


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _load(token: str, *, salt: str, max_age: timedelta) -> object:
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as err:
        raise LinkExpired from err
    except (signing.BadSignature, ValueError, UnicodeError) as err:
        raise LinkInvalid from err


def moderation_token(comment_id: int, action: str) -> str:
    if action not in MODERATION_ACTIONS:
        raise ValueError(f"Unknown moderation action {action!r}.")
    return signing.dumps({"c": comment_id, "a": action}, salt=MODERATION_SALT)


def moderation_url(comment_id: int, action: str) -> str:
    return absolute(reverse("comment_links:moderate", args=[moderation_token(comment_id, action)]))


def read_moderation_token(token: str) -> ModerationLink:
    data = _load(token, salt=MODERATION_SALT, max_age=MODERATION_LINK_AGE)
    if (
        not isinstance(data, dict)
        or data.get("a") not in MODERATION_ACTIONS
        or not isinstance(data.get("c"), int)
    ):
        raise LinkInvalid
    return ModerationLink(comment_id=data["c"], action=data["a"])


def manage_token(comment_id: int) -> str:
    return signing.dumps({"c": comment_id}, salt=MANAGE_SALT)


def read_manage_token(token: str) -> int:
    data = _load(token, salt=MANAGE_SALT, max_age=MANAGE_LINK_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise LinkInvalid
    return int(data["c"])


def personal_data_token(email: str) -> str:
    return signing.dumps({"e": email.strip().lower()}, salt=PERSONAL_DATA_SALT)


def personal_data_url(email: str) -> str:
    return absolute(reverse("comment_links:your_data", args=[personal_data_token(email)]))


def read_personal_data_token(token: str) -> str:
    data = _load(token, salt=PERSONAL_DATA_SALT, max_age=PERSONAL_DATA_LINK_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("e"), str) or "@" not in data["e"]:
        raise LinkInvalid
    return str(data["e"])


def queue_url(status: str = "pending") -> str:
    return absolute(reverse("admin:comments_comment_changelist") + "?status=" + quote(status))
