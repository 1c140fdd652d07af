"""Likes: a reader likes or unlikes a post; the like line every reader sees; likes over time for the stats.

- `like_post`, `unlike_post`: one browser's like, counted once (the browser is known by its token, see
  `browser_cookie.py`; only a keyed hash of the token is stored).
- `like_line`: "N people like this" with the names of those who gave one, including likes received by
  Webmention (`u-like-of`), which the comments app keeps and approves.
- `likes_per_day`: for the owner's dashboard.
"""

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from sampan.blog.models import Post
from sampan.comments import services as comments
from sampan.core import fragments, pagecache

from .models import Like

NAME_LIMIT = 60
NAMES_SHOWN = 20


class LikeRefused(ValueError):
    """A like that cannot be taken, with a message for the reader."""


@dataclass(frozen=True)
class Liker:
    name: str
    url: str = ""
    photo: str = ""  # a local copy of a webmention author's photo (never a link to another site)


@dataclass(frozen=True)
class LikeLine:
    count: int
    likers: list[Liker] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "1 person likes this" if self.count == 1 else f"{self.count} people like this"


def browser_key(token: str) -> str:
    """What is stored for a browser: a keyed hash of its token, so the table cannot be used to act as it."""
    return hmac.new(settings.SECRET_KEY.encode(), f"like:{token}".encode(), hashlib.sha256).hexdigest()


def is_likable(post: Post) -> bool:
    return post.is_live and not post.password


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) > NAME_LIMIT:
        raise LikeRefused(f"A name can have at most {NAME_LIMIT} characters (this one has {len(name)}).")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise LikeRefused("The name holds characters that cannot be shown.")
    return name


def like_post(*, post: Post, token: str, name: str = "") -> bool:
    """Count this browser's like (True), or keep the one it gave (False; a new name replaces the old)."""
    if not is_likable(post):
        raise LikeRefused("This post cannot be liked.")
    name = clean_name(name)
    key = browser_key(token)
    try:
        with transaction.atomic():
            Like.objects.create(post=post, browser=key, name=name)
    except IntegrityError:
        changed = (
            Like.objects.filter(post=post, browser=key).exclude(name=name).update(name=name) if name else 0
        )
        if changed:
            pagecache.invalidate()
        return False
    pagecache.invalidate()  # every cached copy of the post shows the old count
    return True


def unlike_post(*, post: Post, token: str) -> bool:
    deleted, _ = Like.objects.filter(post=post, browser=browser_key(token)).delete()
    if deleted:
        pagecache.invalidate()
    return bool(deleted)


def has_liked(*, post: Post, token: str | None) -> bool:
    return bool(token) and Like.objects.filter(post=post, browser=browser_key(token or "")).exists()


def likes_anything(*, token: str) -> bool:
    return Like.objects.filter(browser=browser_key(token)).exists()


def like_line(post: Post) -> LikeLine:
    """The public line, built once per page-cache generation (a like or an approved mention starts a new one)."""
    return fragments.for_generation(f"like-line:{post.pk}", lambda: _build_line(post))


def _build_line(post: Post) -> LikeLine:
    local = Like.objects.filter(post=post)
    received = comments.approved_likes(post)
    likers = [
        Liker(name)
        for name in local.exclude(name="")
        .order_by("-created_at")
        .values_list("name", flat=True)[:NAMES_SHOWN]
    ]
    likers += [
        Liker(
            c.author_name or c.author_url,
            c.author_url,
            settings.MEDIA_URL + c.author_photo if c.author_photo else "",
        )
        for c in received.order_by("-created_at")[:NAMES_SHOWN]
        if c.author_name or c.author_url
    ]
    return LikeLine(count=local.count() + received.count(), likers=likers)


def likes_per_day(*, start: date, end: date) -> dict[date, int]:
    """Likes given on the site per local day, from `start` to `end` inclusive."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()), tz)
    rows = (
        Like.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
    )
    return {row["day"]: row["n"] for row in rows if row["day"] <= end}
