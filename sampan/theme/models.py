from django.db import models


class Widget(models.Model):
    """One box in the sidebar. The owner orders them and switches them off; defaults come from a migration."""

    class Kind(models.TextChoices):
        SEARCH = "search", "Search"
        CALENDAR = "calendar", "Calendar"
        ARCHIVES = "archives", "Archives"
        CATEGORIES = "categories", "Categories"
        RECENT_POSTS = "recent_posts", "Recent posts"
        TEXT = "text", "Text or badge"

    kind = models.CharField(max_length=30)
    title = models.CharField(max_length=200, blank=True, help_text="Empty: the widget's usual title.")
    position = models.PositiveSmallIntegerField(default=0, db_index=True)
    enabled = models.BooleanField(default=True)
    content = models.TextField(
        blank=True, help_text="Text widgets: HTML with links, images and simple formatting (sanitized)."
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def get_kind_display(self) -> str:
        from .widgets import kind_label

        return kind_label(self.kind)
