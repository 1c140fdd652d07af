"""The codes of two-step sign-in: TOTP (RFC 6238, 30-second steps, 6 digits) and one-time recovery codes.

Recovery codes carry 80 random bits, so an unsalted SHA-256 of each is enough to keep them unusable from a
copy of the database, and checking one costs nothing (a slow password hash would make ten checks per try).
"""

import hashlib
import secrets
import time

import pyotp
import segno
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from .models import RecoveryCode, TwoStep

ISSUER = "Sampan"
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer or ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG, drawn here: no image service sees the secret."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def _step_matching(secret: str, code: str, *, at: float) -> int | None:
    """The time step whose code this is (the current one, or one step either side for clock drift)."""
    totp = pyotp.TOTP(secret)
    now_step = int(at // totp.interval)
    for step in (now_step, now_step - 1, now_step + 1):
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def step_for_secret(secret: str, code: str) -> int | None:
    """The time step of a code typed while enrolling, or None when it is not a current code of `secret`."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    return _step_matching(secret, code, at=time.time())


def _hash(code: str) -> str:
    normalized = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalized.encode()).hexdigest()


def make_recovery_codes(user: User) -> list[str]:
    """Ten new codes replacing any earlier ones; returned once, to be shown once."""
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(c)) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at=None).count()


def verify(user: User, code: str) -> bool:
    """Whether `code` signs this writer in: a fresh authenticator code, or an unused recovery code (used up)."""
    code = code.strip()
    if not code or len(code) > 40:
        return False
    two_step = TwoStep.objects.filter(user=user).first()
    if two_step is None:
        return False
    digits = "".join(code.split())
    if digits.isdigit() and len(digits) == 6:
        step = _step_matching(two_step.secret, digits, at=time.time())
        # Only a step after the last accepted one: a code seen over a shoulder or replayed does not work again.
        updated = (
            step is not None
            and TwoStep.objects.filter(pk=two_step.pk, last_step__lt=step).update(last_step=step) == 1
        )
        return updated
    return (
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at=None).update(
            used_at=timezone.now()
        )
        == 1
    )


def enrol(user: User, *, secret: str, step: int) -> list[str]:
    """Turn two-step sign-in on with a secret confirmed by a code of `step` (spent: it cannot sign in again).

    Returns the recovery codes, to be shown once."""
    TwoStep.objects.update_or_create(user=user, defaults={"secret": secret, "last_step": step})
    return make_recovery_codes(user)


def disable(user: User) -> None:
    with transaction.atomic():
        TwoStep.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()


def is_enrolled(user: User) -> bool:
    return bool(user.pk) and TwoStep.objects.filter(user=user).exists()
