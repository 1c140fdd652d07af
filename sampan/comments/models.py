"""Comments and received mentions (pingbacks, trackbacks, webmentions): the "N thoughts on …" of a post.

Like WordPress, one table holds every kind of thought a post receives, so moderation, counts, feeds and the
APIs treat them alike; `kind` tells them apart.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from sampan.blog.models import Post


class Comment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"
        WEBMENTION = "webmention", "Webmention"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    class MentionType(models.TextChoices):
        """What a webmention's source is, by its microformats (empty for comments)."""

        NONE = "", "—"
        MENTION = "mention", "Mention"
        REPLY = "reply", "Reply"
        LIKE = "like", "Like"
        REPOST = "repost", "Repost"
        BOOKMARK = "bookmark", "Bookmark"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMMENT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    author_name = models.CharField("name", max_length=200, blank=True)
    author_email = models.EmailField("email", max_length=254, blank=True, db_index=True)
    author_url = models.URLField("website", max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    body = models.TextField("comment", help_text="As the commenter typed it.")
    body_html = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    source_url = models.URLField(
        max_length=1000,
        blank=True,
        help_text="For pingbacks, trackbacks and webmentions: the page that links here.",
    )
    mention_type = models.CharField(max_length=10, choices=MentionType.choices, blank=True, default="")
    author_photo = models.CharField(
        max_length=300, blank=True, help_text="A local copy of a mention author's photo (media path)."
    )
    spam_score = models.FloatField(null=True, blank=True, help_text="0 (surely fine) to 1 (surely spam).")
    moderation_reasons = models.JSONField(default=list, blank=True)
    client_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="Keyed hash of the sender's address (never the address); forgotten after 30 days.",
    )
    notify_followups = models.BooleanField("notify me of follow-up comments", default=False)
    learned_as = models.CharField(
        max_length=4,
        blank=True,
        editable=False,
        help_text="What the spam classifier learned from it: spam, ham or nothing.",
    )
    follow_blog = models.BooleanField(
        "asked to be notified of new posts",
        default=False,
        help_text="Kept until the followers app takes the request (with its own double opt-in).",
    )

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [("moderate_comments", "Can moderate comments on everyone's posts")]
        indexes = [
            models.Index(fields=["post", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.author_name or 'Anonymous'} on {self.post}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_mention(self) -> bool:
        return self.kind != self.Kind.COMMENT


class DiscussionSettings(models.Model):
    """The owner's discussion settings (WordPress's Settings → Discussion). One row, pk=1."""

    comments_allowed = models.BooleanField(
        "allow people to comment", default=True, help_text="Off: no post takes new comments."
    )
    require_name_email = models.BooleanField("comment author must fill out name and email", default=True)
    thread_depth = models.PositiveSmallIntegerField(
        "nest replies this many levels deep", default=5, help_text="1 turns threading off."
    )
    close_after_days = models.PositiveIntegerField(
        "close comments on posts older than (days)", default=0, help_text="0 keeps them open."
    )
    paginate = models.BooleanField("break comments into pages", default=False)
    per_page = models.PositiveSmallIntegerField("top-level comments per page", default=50)
    hold_all = models.BooleanField("every comment must be manually approved", default=False)
    trust_approved_authors = models.BooleanField(
        "publish comments from an email with an earlier approved comment at once", default=True
    )
    max_length = models.PositiveIntegerField("longest comment (characters)", default=5000)
    link_limit = models.PositiveSmallIntegerField("hold a comment with more links than", default=2)
    min_seconds = models.PositiveSmallIntegerField(
        "reject forms sent sooner than (seconds)",
        default=3,
        help_text="People take a moment to write; bots do not.",
    )
    moderation_keys = models.TextField(
        "hold for moderation when a comment contains",
        blank=True,
        help_text="One word, email, web address or domain per line.",
    )
    blocklist = models.TextField(
        "send to spam when a comment contains",
        blank=True,
        help_text="One word, email, web address or domain per line.",
    )
    spam_threshold = models.FloatField(
        "send to spam at a classifier score of", default=0.95, help_text="Between 0 and 1."
    )
    notify_author = models.BooleanField("email the post's author about new and held comments", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "discussion settings"

    def __str__(self) -> str:
        return "Discussion settings"

    @classmethod
    def load(cls) -> "DiscussionSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class SpamWord(models.Model):
    """What the local classifier learned: how often a word appeared in spam and in approved comments."""

    word = models.CharField(max_length=64, unique=True)
    spam = models.PositiveIntegerField(default=0)
    ham = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.word
