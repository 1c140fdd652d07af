"""A reader's like of a post: counted once per browser, never tied to an address."""

from django.db import models
from django.utils import timezone

from sampan.blog.models import Post


class Like(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    browser = models.CharField(
        max_length=64,
        help_text="Keyed hash of the liking browser's token (its cookie), so one browser counts once.",
    )
    name = models.CharField(
        max_length=60, blank=True, help_text="Shown with the like when the reader gave it."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["post", "browser"], name="one_like_per_browser")]

    def __str__(self) -> str:
        return f"{self.name or 'Someone'} likes {self.post}"
