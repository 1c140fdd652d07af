"""A signed-in reader's data, for their rights: everything kept about their account, and deleting it.

Other apps keep things tied to a reader's user (comments they wrote signed in, …). `readers` imports no other
app, so each such app registers its `ReaderRecords` here from its `AppConfig.ready()`, as they do with
`sampan.core.personal_data` for email addresses. The reader's account then answers for the whole site: the
export lists those records, and deleting the account deletes them or keeps them as "a former reader".

The readers' accounts are also a `personal_data.Source` (see `SOURCE`): the owner's site-wide "see or erase
the data of an address" includes the reader accounts signed in with that address.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from sampan.core import personal_data
from sampan.core.personal_data import Source

from .models import METHODS, Reader

FORMER_READER = "a former reader"


@dataclass(frozen=True)
class ReaderRecords:
    name: str  # the key in the export, e.g. "comments"
    export: Callable[[Any], Any]  # a user → everything kept, JSON-ready
    delete: Callable[[Any], int]  # a user → delete it all; how many records went
    # A user and the name to show instead → the records kept, but with nothing left that says who wrote them
    keep_as_former: Callable[[Any, str], int]


_records: dict[str, ReaderRecords] = {}


def register(records: ReaderRecords) -> None:
    _records[records.name] = records


def records() -> list[ReaderRecords]:
    return list(_records.values())


def account_data(user: Any) -> dict[str, Any]:
    """The account itself: name, website, avatar, the ways in, passkeys (never their keys)."""
    reader = Reader.objects.filter(user=user).first()
    return {
        "account": {
            "display_name": reader.display_name if reader else "",
            "website": reader.website if reader else "",
            "avatar": reader.avatar.url if reader and reader.avatar else None,
            "joined": (reader.created if reader else user.date_joined).isoformat(),
            "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "identities": [
            {
                "method": METHODS.get(account.provider, account.provider),
                "provider": account.provider,
                "subject": account.uid,
                **{key: account.extra_data.get(key, "") for key in ("issuer", "display_name", "profile_url")},
                "first_sign_in": account.date_joined.isoformat(),
                "last_sign_in": account.last_login.isoformat(),
            }
            for account in SocialAccount.objects.filter(user=user).order_by("pk")
        ],
        "passkeys": [
            {
                "name": key.wrap().name,
                "added": key.created_at.isoformat(),
                "last_used": key.last_used_at.isoformat() if key.last_used_at else None,
            }
            for key in Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).order_by(
                "pk"
            )
        ],
    }


def export(user: Any) -> dict[str, Any]:
    """Everything kept about this reader's account, across the site (JSON-ready), and what the site keeps about
    their confirmed email addresses (following the blog, comments written with the address)."""
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {
        **account_data(user),
        **{entry.name: entry.export(user) for entry in records()},
        "kept_about_your_email": [personal_data.export(email) for email in addresses.order_by("email")],
    }


def delete_account(user: Any, *, keep_comments: bool) -> dict[str, int]:
    """Delete the reader's account: their records go, or stay as "a former reader"'s; the avatar file goes;
    the user goes with their identities, addresses and passkeys. Signing in again makes a new reader."""
    if user.is_staff or user.is_superuser:
        raise ValueError("staff accounts are not readers' accounts: they are managed in the admin")
    with transaction.atomic():
        if keep_comments:
            done = {entry.name: entry.keep_as_former(user, FORMER_READER) for entry in records()}
        else:
            done = {entry.name: entry.delete(user) for entry in records()}
        reader = Reader.objects.filter(user=user).first()
        if reader is not None:
            name = reader.avatar.name if reader.avatar else ""
            storage = reader.avatar.storage
            transaction.on_commit(lambda: storage.delete(name) if name else None)
        user.delete()
    return done


# The site-wide data of an email address (core.personal_data): the reader accounts signed in with it.


def _readers_with(email: str) -> list[Any]:
    addresses = EmailAddress.objects.filter(email__iexact=email).values("user_id")
    users = get_user_model().objects.filter(Q(email__iexact=email) | Q(pk__in=addresses))
    return list(users.filter(reader__isnull=False, is_staff=False, is_superuser=False).distinct())


def _summary(email: str) -> str:
    count = len(_readers_with(email))
    if not count:
        return ""
    return f"{count} reader account{'s' if count != 1 else ''}: display name, website, avatar and ways to sign in"


def _export(email: str) -> list[dict[str, Any]]:
    return [account_data(user) for user in _readers_with(email)]


def _erase(email: str) -> int:
    users = _readers_with(email)
    for user in users:
        delete_account(user, keep_comments=False)
    return len(users)


def _reference(email: str) -> int | None:
    users = _readers_with(email)
    return users[0].pk if users else None


def _address(pk: int) -> str | None:
    user = get_user_model().objects.filter(pk=pk, reader__isnull=False).first()
    if user is None:
        return None
    return user.email or EmailAddress.objects.filter(user=user).values_list("email", flat=True).first()


SOURCE = Source(
    name="reader_accounts",
    summary=_summary,
    export=_export,
    erase=_erase,
    reference=_reference,
    address=_address,
)
