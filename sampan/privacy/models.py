"""How long the site keeps what it keeps: the owner's retention periods, one row (pk=1)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sampan.core import retention


def _days(name: str, label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label,
        default=retention.PERIODS[name][0],
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=f"Days to keep {retention.PERIODS[name][1]}. Deleted by the daily housekeeping.",
    )


class RetentionSettings(models.Model):
    spam_and_trash = _days("spam_and_trash", "spam and trashed comments")
    client_hashes = _days("client_hashes", "commenters' address hashes")
    raw_stats = models.PositiveIntegerField(
        "single page views",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text="Days to keep single page views before only the daily counts remain. "
        "Empty: SAMPAN_STATS_RAW_DAYS (7 unless set).",
    )
    mention_requests = _days("mention_requests", "incoming mention requests")
    outbound_requests = _days("outbound_requests", "outbound requests (the ledger)")

    class Meta:
        verbose_name = verbose_name_plural = "retention settings"

    def __str__(self) -> str:
        return "Retention settings"

    @classmethod
    def load(cls) -> "RetentionSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    @classmethod
    def periods(cls) -> dict[str, int]:
        """The owner's periods, for core/retention.py; an empty dict before the table exists (first migrate)."""
        from django.db import DatabaseError

        try:
            row = cls.objects.filter(pk=1).first()
        except DatabaseError:
            return {}
        if row is None:
            return {}
        chosen = {name: getattr(row, name) for name in retention.PERIODS}
        return {name: value for name, value in chosen.items() if value}
