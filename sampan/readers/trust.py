"""Which ways in the owner trusts: a reader who signed in by a trusted method has their first comment published
at once; everyone else's first comment is held, as a guest's is (comments/policy.py asks here)."""

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from .models import SignInSettings


def methods_of(user: Any) -> set[str]:
    """The ways in this user has proved an identity by: their outside identities, and "email" for a confirmed
    address."""
    if user is None or not user.is_authenticated or not hasattr(user, "reader"):
        return set()
    methods = set(SocialAccount.objects.filter(user=user).values_list("provider", flat=True))
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        methods.add("email")
    return methods


def is_trusted(user: Any) -> bool:
    methods = methods_of(user)
    if not methods:
        return False
    settings = SignInSettings.load()
    return any(settings.trusts(method) for method in methods)
