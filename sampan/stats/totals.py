"""Totals shown to readers: all hits (with the imported starting count) and one post's views."""

from sampan.blog.models import Post
from sampan.core import fragments, pagecache

from .models import Counter, PostViews, StatsSettings


def total_hits() -> int:
    counted = Counter.objects.filter(name="hits").values_list("value", flat=True).first() or 0
    return settings().starting_hits + counted


def settings() -> StatsSettings:
    """The owner's stats settings, read once per page-cache generation (saving them starts a new one)."""
    return fragments.for_generation("stats-settings", StatsSettings.load)


def post_views(post: Post) -> int:
    return PostViews.objects.filter(post=post).values_list("views", flat=True).first() or 0


def set_starting_hits(*, hits: int) -> None:
    """What an import (or the owner) says was counted before: a WordPress blog's Jetpack total, say."""
    if hits < 0:
        raise ValueError("A hit count cannot be negative.")
    StatsSettings.objects.update_or_create(pk=1, defaults={"starting_hits": hits})
    pagecache.invalidate()
