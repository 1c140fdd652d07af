"""What the stats keep: raw views for a few days, then daily roll-ups; never an address.

A raw view holds the day, the path, the referring site's domain and, for readers who did not ask not to be
tracked, a keyed hash of (the day's secret, address, user agent, site). The day's secret (`DailySecret`) is deleted
once the day is over, so from then on nobody, the owner included, can tell whose visit a hash was.
"""

from django.db import models
from django.db.models import Q

from sampan.blog.models import Post


class StatsSettings(models.Model):
    """The owner's stats settings. One row, pk=1."""

    starting_hits = models.PositiveBigIntegerField(
        "hits counted before Sampan",
        default=0,
        help_text="Added to the Blog Stats total: e.g. the hit count of the blog you imported from.",
    )
    show_post_views = models.BooleanField(
        "show each post's view count under it", default=False, help_text="Counts may lag up to a minute."
    )

    class Meta:
        verbose_name = verbose_name_plural = "stats settings"

    def __str__(self) -> str:
        return "Stats settings"

    @classmethod
    def load(cls) -> "StatsSettings":
        settings, _ = cls.objects.get_or_create(pk=1)
        return settings


class DailySecret(models.Model):
    """The key of one day's visitor hashes; deleted when the day is over."""

    day = models.DateField(unique=True)
    secret = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"secret of {self.day}"


class View(models.Model):
    """Counted requests, as the spool recorded them: one row per view, except that views alike in every field
    (the same reader reloading the same page within a flush) share a row and its count. Rolled up, then deleted
    after SAMPAN_STATS_RAW_DAYS."""

    class Kind(models.TextChoices):
        PAGE = "p", "page"
        FEED = "f", "feed"

    day = models.DateField()
    kind = models.CharField(max_length=1, choices=Kind.choices, default=Kind.PAGE)
    path = models.CharField(max_length=300)
    referrer = models.CharField(max_length=253, blank=True, help_text="The referring site's domain only.")
    visitor = models.BigIntegerField(null=True, help_text="Keyed daily hash; empty for Sec-GPC/DNT readers.")
    source = models.CharField(max_length=60, blank=True, help_text="Feeds: the reader service, if it said.")
    subscribers = models.PositiveIntegerField(null=True, help_text="Feeds: how many it said it serves.")
    country = models.CharField(
        max_length=2,
        blank=True,
        default="",
        db_default="",
        help_text="Two-letter country code, only with a GeoIP database configured; never the address.",
    )
    views = models.PositiveIntegerField(
        default=1,
        db_default=1,
        help_text="How many views alike in every field above one flush wrote as this row (a reader reloading).",
    )

    class Meta:
        # The roll-up reads a day's counts from these alone (covering indexes): about ten times faster than
        # from the table, which is what keeps a day of millions of views under a few seconds.
        indexes = [
            models.Index(fields=["day", "kind", "path", "visitor", "views"], name="stats_view_day_path_n"),
            # Partial: most views come with no referrer, and they need no entry here (cheaper to add and delete).
            models.Index(
                fields=["day", "kind", "referrer", "views"],
                name="stats_view_day_referrer_n",
                condition=~Q(referrer=""),
            ),
            # Partial too: without a GeoIP database no view has a country, and this index stays empty.
            models.Index(
                fields=["day", "kind", "country", "visitor", "views"],
                name="stats_view_day_country_n",
                condition=~Q(country=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.path}"


class PostViews(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, primary_key=True, related_name="view_count")
    views = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.views} views"


class Counter(models.Model):
    """Running totals the flush adds to ("hits": every counted page view)."""

    name = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class DailyViews(models.Model):
    day = models.DateField(unique=True)
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)
    private_views = models.PositiveIntegerField(
        default=0, help_text="Views from readers asking not to be tracked."
    )
    feed_subscribers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        verbose_name = "stats"
        verbose_name_plural = "stats"

    def __str__(self) -> str:
        return f"{self.day}: {self.views} views"


class DailyPage(models.Model):
    day = models.DateField()
    path = models.CharField(max_length=300)
    post = models.ForeignKey(Post, null=True, on_delete=models.SET_NULL, related_name="+")
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "path"], name="one_row_per_day_and_path")]

    def __str__(self) -> str:
        return f"{self.day} {self.path}: {self.views}"


class DailyReferrer(models.Model):
    day = models.DateField()
    domain = models.CharField(max_length=253)
    search_engine = models.CharField(max_length=40, blank=True)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "domain"], name="one_row_per_day_and_domain")]

    def __str__(self) -> str:
        return f"{self.day} {self.domain}: {self.views}"


class DailyFeed(models.Model):
    day = models.DateField()
    source = models.CharField(
        max_length=60, help_text="A reader service, or empty for readers fetching directly."
    )
    subscribers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "source"], name="one_row_per_day_and_source")]

    def __str__(self) -> str:
        return f"{self.day} {self.source or 'direct'}: {self.subscribers}"


class DailyCountry(models.Model):
    """Views and visitors per day and country (only with a GeoIP database configured)."""

    day = models.DateField()
    country = models.CharField(max_length=2)
    views = models.PositiveIntegerField(default=0)
    visitors = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "country"], name="one_row_per_day_and_country")]
        verbose_name_plural = "daily countries"

    def __str__(self) -> str:
        return f"{self.day} {self.country}: {self.views}"
