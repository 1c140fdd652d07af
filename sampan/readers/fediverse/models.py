"""The app registration Sampan keeps per Fediverse instance: made once (POST /api/v1/apps), reused after."""

from django.db import models


class FediverseApp(models.Model):
    """Sampan's client registration on one instance. Readers' tokens are never stored, only this."""

    instance = models.CharField(
        max_length=255, unique=True, help_text="The instance's host (with a port only when not the default)."
    )
    client_id = models.CharField(max_length=255)
    client_secret = models.CharField(max_length=255)
    scopes = models.CharField(
        max_length=100, help_text="What Sampan asks for: “profile”, or “read:accounts”."
    )
    redirect_uri = models.URLField(
        max_length=500, help_text="The address the instance sends readers back to (registered with the app)."
    )
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Fediverse instance registration"
        ordering = ["instance"]

    def __str__(self) -> str:
        return self.instance
