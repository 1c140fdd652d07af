from django.db import models
from django.utils import timezone


class SiteSettings(models.Model):
    """The owner's settings for the blog as a whole. There is exactly one row (pk=1), made by a migration."""

    title = models.CharField(max_length=200, default="My Sampan Blog")
    tagline = models.CharField(max_length=300, blank=True, default="Just another Sampan blog")
    posts_per_page = models.PositiveSmallIntegerField(default=10)
    feed_items = models.PositiveSmallIntegerField("items in feeds", default=10)
    search_engines_allowed = models.BooleanField(
        "let search engines index this site",
        default=True,
        help_text="Off: robots.txt asks crawlers to stay away.",
    )
    footer_text = models.CharField(max_length=300, blank=True, default="Proudly self-hosted with Sampan.")

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return self.title

    @classmethod
    def load(cls) -> "SiteSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class OutboundRequest(models.Model):
    """One request this server made to another (or refused to make): the owner's record of what was asked of
    the world, and why. Kept for 90 days (`forget_outbound_requests`)."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", "answered"
        REFUSED = "refused", "refused by Sampan"
        TIMED_OUT = "timed-out", "timed out"
        TOO_LARGE = "too-large", "too large"
        FAILED = "failed", "failed"

    created = models.DateTimeField("when", default=timezone.now, db_index=True)
    purpose = models.CharField(
        max_length=50, db_index=True, help_text="Why Sampan asked, e.g. webmention-send."
    )
    method = models.CharField(max_length=10)
    url = models.TextField("address", help_text="Without any user name or password; the query is kept.")
    host = models.CharField(max_length=255, blank=True, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, db_index=True)
    status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    error = models.CharField("why not", max_length=500, blank=True)
    final_url = models.TextField(
        "answered from", blank=True, help_text="Where redirects ended, if elsewhere."
    )
    redirects = models.PositiveSmallIntegerField(default=0)
    bytes_received = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField("duration (ms)", default=0)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = "outbound request"
        verbose_name_plural = "outbound requests"

    def __str__(self) -> str:
        return f"{self.method} {self.url}"
