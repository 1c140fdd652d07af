"""Followers of the blog by email, what they were sent, and the owner's settings for it.

One row per address (`Follower`), whatever happened to it: asked, confirmed, unsubscribed, stopped for
bouncing. What went out is recorded per post and follower (`Delivery`, unique), so a fan-out that stops half
way resumes where it stopped and never mails anyone the same post twice.
"""

from django.db import models
from django.utils import timezone

from sampan.blog.models import Post


class Follower(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Following"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCING = "bouncing", "Stopped: mail bounces"

    class Frequency(models.TextChoices):
        INSTANT = "instant", "Each new post, as it is published"
        WEEKLY = "weekly", "A weekly digest"

    class Source(models.TextChoices):
        FORM = "form", "Follow form"
        COMMENT = "comment", "Comment form"
        IMPORT = "import", "Imported"

    email = models.EmailField(max_length=254, unique=True, help_text="Kept in lower case.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    frequency = models.CharField(max_length=8, choices=Frequency.choices, default=Frequency.INSTANT)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    created_at = models.DateTimeField("asked to follow", default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)
    hard_bounces = models.PositiveIntegerField(
        default=0, help_text="Permanent delivery failures in a row; mail stops at the limit in the settings."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "frequency", "id"])]

    def __str__(self) -> str:
        return self.email


class FollowerSettings(models.Model):
    """The owner's choices for follower mail. One row (pk=1)."""

    full_text = models.BooleanField(
        "send the full post", default=False, help_text="Off: the excerpt and a link to read on."
    )
    batch_size = models.PositiveIntegerField(
        default=200, help_text="Messages sent per batch (one mail server connection each)."
    )
    connections = models.PositiveSmallIntegerField(
        "mail server connections at once",
        default=4,
        help_text="More is faster, if the mail server allows it.",
    )
    messages_per_minute = models.PositiveIntegerField(
        default=0, help_text="At most this many messages a minute; 0: as fast as the mail server takes them."
    )
    stop_after_bounces = models.PositiveSmallIntegerField(
        "stop after N hard bounces",
        default=3,
        help_text="An address that fails this many times gets no more mail.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "follower settings"

    def __str__(self) -> str:
        return "Follower settings"

    @classmethod
    def load(cls) -> "FollowerSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class NewPostMailing(models.Model):
    """One post's mail to its followers: made once when the post goes live, finished when all got theirs."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="mailing")
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker holds the mailing while it sends; if it dies, the lease runs out and another picks it up.
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Mail about “{self.post}”"


class Delivery(models.Model):
    """A post sent (or refused for good) to one follower, alone or in a digest."""

    class Outcome(models.TextChoices):
        SENT = "sent", "Sent"
        DIGEST = "digest", "Sent in a digest"
        BOUNCED = "bounced", "Refused by the mail server"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    follower = models.ForeignKey(Follower, on_delete=models.CASCADE, related_name="deliveries")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.SENT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [models.UniqueConstraint(fields=["post", "follower"], name="one_delivery_per_post")]

    def __str__(self) -> str:
        return f"Post {self.post_id} to follower {self.follower_id}: {self.outcome}"


class FollowUpStop(models.Model):
    """A commenter said "stop these": no more follow-up comment mail about this post to this address."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "email"], name="one_stop_per_post_email")]

    def __str__(self) -> str:
        return f"No comment mail about post {self.post_id} to {self.email}"


class FollowUpDelivery(models.Model):
    """A follow-up mail about one new comment, sent to one address (so a retry never sends it twice)."""

    comment = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(max_length=254)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "email"], name="one_follow_up_per_address")]

    def __str__(self) -> str:
        return f"Comment {self.comment_id} mailed to {self.email}"
