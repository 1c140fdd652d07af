"""Mentions on record: the owner's switches, each mention received (and how its check went), each one sent.

A received mention becomes a `Comment` (kind pingback, trackback or webmention) once its source is verified;
`ReceivedMention` is the request itself, so a Webmention sender can read its status at the URL it was given.
"""

import secrets

from django.db import models
from django.utils import timezone

from sampan.blog.models import Post


def _token() -> str:
    return secrets.token_urlsafe(16)


class MentionSettings(models.Model):
    """Site-wide switches for mentions. One row, pk=1. Each post has its own switch too (`Post.pings_open`)."""

    receive = models.BooleanField(
        "accept pingbacks, trackbacks and webmentions",
        default=True,
        help_text="Off: no post takes mentions from other sites, whatever its own setting.",
    )
    send = models.BooleanField(
        "notify the sites my posts link to",
        default=True,
        help_text="On publishing or updating a post, send each linked page a webmention or pingback.",
    )
    send_to_own_site = models.BooleanField(
        "also notify my own posts",
        default=False,
        help_text="Off: links from one of my posts to another are not sent as mentions.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "mention settings"

    def __str__(self) -> str:
        return "Mention settings"

    @classmethod
    def load(cls) -> "MentionSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class ReceivedMention(models.Model):
    """One mention another site sent us, from its arrival to the verdict on its source."""

    class Protocol(models.TextChoices):
        WEBMENTION = "webmention", "Webmention"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending verification"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        REMOVED = "removed", "Removed (the source is gone or no longer links here)"

    token = models.CharField(max_length=32, unique=True, default=_token, editable=False)
    protocol = models.CharField(max_length=12, choices=Protocol.choices)
    source = models.URLField(max_length=2000)
    target = models.URLField(max_length=2000)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="received_mentions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message = models.CharField(max_length=500, blank=True, help_text="Why it was rejected, or what happened.")
    fault_code = models.PositiveSmallIntegerField(default=0, help_text="Pingback's code for the verdict.")
    title = models.CharField(max_length=300, blank=True, help_text="Trackback: the title the sender gave.")
    excerpt = models.TextField(blank=True, help_text="Trackback: the excerpt the sender gave.")
    blog_name = models.CharField(max_length=300, blank=True, help_text="Trackback: the sender's blog.")
    received_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["source", "post"])]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} from {self.source}"


class SentMention(models.Model):
    """One link of one of our posts, and how telling its page about the post went."""

    class Protocol(models.TextChoices):
        WEBMENTION = "webmention", "Webmention"
        PINGBACK = "pingback", "Pingback"
        NONE = "", "None found"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Will retry"
        FAILED = "failed", "Failed"
        NO_ENDPOINT = "no-endpoint", "The page takes no mentions"

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="sent_mentions"
    )
    source = models.URLField(max_length=2000, help_text="Our post's address.")
    target = models.URLField(max_length=2000, help_text="The page our post links to (or linked to).")
    endpoint = models.URLField(max_length=2000, blank=True)
    protocol = models.CharField(max_length=12, choices=Protocol.choices, blank=True, default="")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    response = models.CharField(max_length=500, blank=True, help_text="What the other site answered.")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    last_tried_at = models.DateTimeField(null=True, blank=True)
    still_linked = models.BooleanField(
        default=True, help_text="Off once the post no longer links here (the removal was sent too)."
    )

    class Meta:
        ordering = ["-last_tried_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_sent_mention_per_link")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
