"""What Sampan keeps of the account an instance vouches for: a stable subject, a name, the profile address (which
must be on the instance itself) and where the avatar is. Names are trimmed and escaped later, by
`sign_in_identity`; here they are only bounded, so a 10 kB name costs nothing further on."""

import re
from typing import Any

import httpx

MAX_NAME = 500
MAX_URL = 2000
_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_\-]{1,100}")


class NotThisInstance(ValueError):
    """The account the instance described cannot be taken as one of its own."""


def identity_of(account: dict[str, Any], *, instance: str) -> dict[str, str]:
    """The keyword arguments for `sign_in_identity` (all but method and next_url)."""
    account_id = str(account.get("id", "")) if isinstance(account.get("id"), str | int) else ""
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise NotThisInstance("the server did not say which account this is")
    profile_url = account.get("url")
    if not isinstance(profile_url, str) or not _is_on(profile_url, instance):
        raise NotThisInstance(f"the account's profile address is not on {instance}")
    names = [account.get("display_name"), account.get("username")]
    name = next((n.strip() for n in names if isinstance(n, str) and n.strip()), account_id)
    avatar = account.get("avatar_static")
    return {
        "issuer": instance,
        "subject": f"{account_id}@{instance}",
        "display_name": name[:MAX_NAME],
        "profile_url": profile_url,
        "avatar_url": avatar if isinstance(avatar, str) and _is_web_address(avatar) else "",
    }


def _is_on(url: str, instance: str) -> bool:
    if not _is_web_address(url):
        return False
    parsed = httpx.URL(url)
    return (
        parsed.scheme == "https" and not parsed.userinfo and parsed.netloc.decode("ascii").lower() == instance
    )


def _is_web_address(url: str) -> bool:
    try:
        parsed = httpx.URL(url)
        return len(url) <= MAX_URL and parsed.scheme in {"https", "http"} and bool(parsed.host)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        return False
