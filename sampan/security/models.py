"""Two-step sign-in for the admin: a writer's authenticator secret and their one-time recovery codes."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TwoStep(models.Model):
    """A writer who turned on two-step sign-in: after the password, a code from their authenticator app."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_step")
    # The shared TOTP secret must be readable to check codes, so it is kept as is (like the password-reset
    # token key, the database is what protects it); recovery codes, which need no reading back, are hashed.
    secret = models.CharField(max_length=64)
    # The last time step a code was accepted for: the same code is never accepted twice (RFC 6238 §5.2).
    last_step = models.BigIntegerField(default=0)
    enabled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "two-step sign-in"
        verbose_name_plural = "two-step sign-in"

    def __str__(self) -> str:
        return f"Two-step sign-in for {self.user}"


class RecoveryCode(models.Model):
    """One of the codes that sign in once when the authenticator is lost; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return "used recovery code" if self.used_at else "recovery code"
