from django.conf import settings
from django.db import models


class ApplicationPassword(models.Model):
    """A password a writer gives one app or script, for the APIs only (the account password never works there).

    Only a hash is kept: the password is shown once, when it is made. It is long and random, so a plain SHA-256
    is enough to keep it safe and lets a login find it with one indexed lookup.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords")
    label = models.CharField(
        max_length=100, help_text="Which app or script uses it, e.g. “MarsEdit on my laptop”."
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "application password"

    def __str__(self) -> str:
        return f"{self.label} ({self.user})"
