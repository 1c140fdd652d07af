"""The readers' operations. `sign_in_identity` is the one place every outside way in ends (IndieAuth, Fediverse,
OpenID Connect): it applies the owner's blocks, finds or makes the reader, keeps their public details current,
never gives a staff session, signs in and goes on to a same-origin address.
"""

import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model, login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from . import blocking
from .models import METHODS, Reader

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
NAME_LENGTH = 80
UNCONFIRMED_KEPT = timedelta(days=1)  # an email reader whose code never came back is forgotten after this
# allauth's SocialAccount.uid holds at most 191 characters (a MySQL index limit it keeps everywhere).
UID_LENGTH = 191
# Methods whose subject names the person on its own (a URL, an account or email address); others (OpenID
# Connect's `sub`) are unique only at their issuer, so the issuer is part of the key.
SELF_NAMING = {"email", "indieauth", "fediverse"}
# Bidi embeddings, overrides, isolates and marks, and every other control or format character but the space.
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
STAFF_REFUSED = (
    "This account belongs to one of the blog's writers. Writers sign in at /admin/ (with their two-step "
    "code); a reader sign-in never opens the blog's administration."
)


class SignInRefused(Exception):
    """The identity may not sign in here; the message says why, in the reader's words."""


def clean_display_name(raw: str) -> str:
    """A name as it is shown: invisible and direction-changing characters gone, spaces collapsed, ≤ 80 chars."""
    text = " ".join(_INVISIBLE.sub("", raw or "").split())
    return text[:NAME_LENGTH].strip()


def clean_website(raw: str) -> str:
    url = (raw or "").strip()
    if len(url) > 500 or not re.match(r"^https?://[^\s/@]+(?:/\S*)?$", url, re.IGNORECASE):
        return ""
    return url


def identity_uid(*, method: str, issuer: str, subject: str) -> str:
    uid = subject.strip() if method in SELF_NAMING else f"{issuer.strip()}|{subject.strip()}"
    if not subject.strip() or len(uid) > UID_LENGTH:
        raise SignInRefused("Your sign-in did not say who you are in a form this blog can keep.")
    return uid


def is_same_site_path(url: str) -> bool:
    """A path on this site (never another host, scheme, or a browser's reading of `//` or `/\\`)."""
    return (
        url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and not _INVISIBLE.search(url)
        and url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    )


def safe_next(request: HttpRequest, next_url: str) -> str:
    """`next_url` when it is a path on this site, else the home page (no open redirects)."""
    url = (next_url or "").strip()
    return url if is_same_site_path(url) else reverse("blog:home")


def is_staff(user: Any) -> bool:
    return bool(user.is_staff or user.is_superuser)


def reader_for_identity(
    *, method: str, issuer: str, subject: str, display_name: str, profile_url: str
) -> Any:
    """The user for this identity, made if new; its public details brought up to date. Raises SignInRefused."""
    if method not in METHODS or method == "email":
        raise ValueError(f"Unknown way in for sign_in_identity: {method!r}")
    uid = identity_uid(method=method, issuer=issuer, subject=subject)
    reason = blocking.refusal_for(issuer=issuer, subject=subject, profile_url=profile_url, uid=uid)
    if reason:
        raise SignInRefused(reason)
    name = clean_display_name(display_name)
    website = clean_website(profile_url)
    with transaction.atomic():
        account = SocialAccount.objects.select_related("user").filter(provider=method, uid=uid).first()
        if account is None:
            user = make_reader_user(display_name=name, website=website)
            account = SocialAccount(user=user, provider=method, uid=uid)
        user = account.user
        if is_staff(user):
            raise SignInRefused(STAFF_REFUSED)
        if not user.is_active:
            raise SignInRefused(
                "This reader account is switched off. Write to the blog's owner if you need it."
            )
        account.extra_data = {"issuer": issuer.strip()[:500], "display_name": name, "profile_url": website}
        account.save()
        reader, _ = Reader.objects.get_or_create(user=user)
        reader.display_name = name or reader.display_name
        reader.website = website or reader.website
        reader.save(update_fields=["display_name", "website"])
    return user


def make_reader_user(*, display_name: str = "", website: str = "", email: str = "") -> Any:
    """A new reader: a user that can never sign in with a password, and its Reader row."""
    users = get_user_model()
    user = users(username=f"reader-{secrets.token_hex(8)}", email=email)
    user.set_unusable_password()
    user.save()
    Reader.objects.create(user=user, display_name=display_name, website=website)
    return user


def make_email_reader(email: str) -> Any:
    """A new reader for an email address, unconfirmed until the code sent to it comes back."""
    from allauth.account.models import EmailAddress

    forget_unconfirmed_readers()
    with transaction.atomic():
        # No name yet: the part of an address before the @ often is the person's full name or more, and an
        # address is never shown; the comment form asks for a name the first time they comment.
        user = make_reader_user(email=email)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def forget_unconfirmed_readers(*, now: datetime | None = None) -> int:
    """Delete reader accounts made for an address whose code never came back within a day: someone typed an
    address that is not theirs, or gave up. Asked each time a new address asks for a code (no schedule needed)."""
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT
    unconfirmed = (
        get_user_model()
        .objects.filter(
            reader__created__lt=cutoff,
            last_login__isnull=True,
            socialaccount__isnull=True,
            comments__isnull=True,
        )
        .exclude(emailaddress__verified=True)
    )
    deleted = 0
    for user in unconfirmed.filter(is_staff=False, is_superuser=False)[:100]:
        user.delete()
        deleted += 1
    return deleted


def reader_of(user: Any) -> Reader | None:
    """The Reader row of a signed-in reader (None for guests and for writers signed in at /admin/)."""
    if user is None or not user.is_authenticated:
        return None
    return Reader.objects.filter(user=user).first()


def needs_display_name(user: Any) -> bool:
    """A reader who has not said what name to show yet (an email reader before their first comment)."""
    reader = reader_of(user)
    return reader is not None and not reader.display_name


def set_display_name(user: Any, name: str) -> None:
    Reader.objects.filter(user=user).update(display_name=clean_display_name(name))


def comment_signature(user: Any) -> tuple[str, str]:
    """(name, website) a signed-in person's comments carry: a reader's display name and website, else the
    user's full name or user name."""
    reader = reader_of(user)
    if reader is not None:
        # A reader without a name yet is not signed with their generated user name.
        return reader.display_name or "A reader", reader.website
    return str(user.get_full_name() or user.get_username()), ""


def sign_in_identity(
    request: HttpRequest,
    *,
    method: str,
    issuer: str,
    subject: str,
    display_name: str,
    profile_url: str,
    avatar_url: str = "",
    next_url: str = "/",
) -> HttpResponse:
    """Sign in the reader an outside method vouched for, and send them on to `next_url` (same-origin only)."""
    try:
        user = reader_for_identity(
            method=method, issuer=issuer, subject=subject, display_name=display_name, profile_url=profile_url
        )
    except SignInRefused as refusal:
        return refused(request, str(refusal))
    login(request, user, backend=BACKEND)
    record_authentication(request, user, method="socialaccount", provider=method)
    if avatar_url:
        _fetch_avatar_later(user.reader, avatar_url)
    return HttpResponseRedirect(safe_next(request, next_url))


def refused(request: HttpRequest, message: str, *, status: int = 403) -> HttpResponse:
    """The sign-in page's refusal: what happened, nobody signed in."""
    return render(request, "readers/refused.html", {"message": message}, status=status)


def _fetch_avatar_later(reader: Reader, url: str) -> None:
    # Fetched by the worker through core's fetcher (readers/avatars.py): signing in never waits on their server.
    from .tasks import fetch_reader_avatar

    fetch_reader_avatar.enqueue(reader.pk, url)
