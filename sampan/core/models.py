from django.db import models


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
