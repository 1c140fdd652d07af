"""Signed-in readers: who they are to the blog, whom the owner keeps out, which ways in the owner trusts.

A reader is a Django user with a `Reader` row beside it (never staff: the site's writers sign in at /admin/).
How they proved who they are is an allauth `SocialAccount` (method, issuer, subject) or, for the email code, an
allauth `EmailAddress`. What is kept is listed in docs/readers.md: no tokens, no raw claims, no addresses.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

# The ways in, by the name allauth records them under (SocialAccount.provider), in the order the page shows them.
METHODS = {
    "email": "Email code",
    "indieauth": "Your website (IndieAuth)",
    "fediverse": "Fediverse account",
    "openid_connect": "OpenID Connect",
}


class Reader(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader")
    display_name = models.CharField("display name", max_length=80, blank=True)
    website = models.URLField(max_length=500, blank=True)
    avatar = models.ImageField(upload_to="avatars/", blank=True, help_text="A local copy, re-encoded.")
    created = models.DateTimeField("joined", default=timezone.now)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.display_name or f"Reader {self.pk}"


class Block(models.Model):
    """Someone the owner keeps out: one identity, everyone from one instance (host), or a whole domain."""

    class Kind(models.TextChoices):
        IDENTITY = "identity", "Identity (a profile address, Fediverse account or email address)"
        INSTANCE = "instance", "Instance or server (one host name)"
        DOMAIN = "domain", "Domain (the host and all its subdomains)"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(
        max_length=300,
        help_text="identity: https://example.org/ or @name@instance.example or name@example.org; "
        "instance: mastodon.example; domain: example.org",
    )
    note = models.CharField(max_length=200, blank=True, help_text="Why, for you (never shown to the reader).")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="readers_block_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display().split(' (')[0]}: {self.value}"


class SignInSettings(models.Model):
    """The owner's choices about readers' ways in. One row, pk=1."""

    trust_email = models.BooleanField("publish first comments from email-code readers at once", default=False)
    trust_indieauth = models.BooleanField(
        "publish first comments from website (IndieAuth) readers at once", default=False
    )
    trust_fediverse = models.BooleanField(
        "publish first comments from Fediverse readers at once", default=False
    )
    trust_openid_connect = models.BooleanField(
        "publish first comments from OpenID Connect readers at once", default=False
    )

    class Meta:
        verbose_name = verbose_name_plural = "reader sign-in settings"

    def __str__(self) -> str:
        return "Reader sign-in settings"

    @classmethod
    def load(cls) -> "SignInSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def trusts(self, method: str) -> bool:
        return bool(getattr(self, f"trust_{method}", False))
