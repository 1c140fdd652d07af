"""Every operation on followers. Views, the admin, the commands and tasks all call these.

- `request_follow`: someone asks to follow (form, comment box, import): double opt-in starts.
- `send_confirmation`: the opt-in mail (called by its task).
- `confirm`, `unsubscribe`, `set_frequency`: what a follower does with their signed links.
- `record_hard_bounce`: a permanent delivery failure; mail stops at the owner's limit.
- `forget_unconfirmed`: addresses not confirmed within 7 days are deleted.

Asking again never says whether an address already follows: the page is the same whatever the address, and
only a waiting (or unsubscribed) address is mailed a new confirmation link, at most a few times a day.
"""

import hashlib
import logging
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from sampan.blog.models import Post
from sampan.core import fragments, pagecache, ratelimit

from . import links, mail
from .models import Follower, FollowerSettings, FollowUpStop

log = logging.getLogger(__name__)

Status = Follower.Status
UNCONFIRMED_KEPT = timedelta(days=7)
CONFIRMATIONS_PER_DAY = 3


class FollowRefused(ValueError):
    """The address cannot be followed with (not an email address); the message says why."""


def normalize_email(raw: str) -> str:
    """The address as we keep it (lower case), or FollowRefused. Refuses anything that could break a header."""
    email = raw.strip().lower()
    if not email:
        raise FollowRefused("Please enter your email address.")
    if any(ch in email for ch in '\r\n\0,;<>"') or len(email) > 254:
        raise FollowRefused("That is not an email address.")
    try:
        validate_email(email)
    except ValidationError as err:
        raise FollowRefused("That is not an email address.") from err
    return email


def request_follow(*, email: str, source: str = Follower.Source.FORM) -> None:
    """Start the double opt-in for `email` (or do nothing visible, if it already follows)."""
    email = normalize_email(email)
    with transaction.atomic():
        follower, _ = Follower.objects.select_for_update().get_or_create(
            email=email, defaults={"source": source}
        )
        if follower.status == Status.CONFIRMED:
            return  # already follows; saying so would tell anyone who follows this blog
        if follower.status != Status.PENDING:
            # Back after unsubscribing (or after bounces were fixed): they confirm again, as a new follower.
            follower.status, follower.created_at, follower.hard_bounces = Status.PENDING, timezone.now(), 0
            follower.save(update_fields=["status", "created_at", "hard_bounces"])
    if not _may_mail_confirmation(email):
        log.info("Not sending another confirmation to follower %s today", follower.pk)
        return
    # A new link is valid for 7 days, so the address is kept 7 days from now.
    Follower.objects.filter(pk=follower.pk, status=Status.PENDING).update(created_at=timezone.now())
    from .tasks import send_confirmation_mail

    send_confirmation_mail.enqueue(follower.pk)


def _may_mail_confirmation(email: str) -> bool:
    # Nobody can use the form to flood an address with confirmation requests.
    key = hashlib.sha256(email.encode()).hexdigest()[:32]
    return ratelimit.allow("follow-confirmation", key, limit=CONFIRMATIONS_PER_DAY, window=86400)


def send_confirmation(follower: Follower) -> bool:
    if follower.status != Status.PENDING:
        return False
    confirm_url = links.url("confirm", email=follower.email, follower_id=follower.pk)
    text, html = mail.render_pair("confirm", {"confirm_url": confirm_url, "days": UNCONFIRMED_KEPT.days})
    title = mail.one_line(fragments.site_settings().title, 80)
    mail.build(
        to=follower.email,
        subject=f"[{title}] Confirm that you want to follow",
        text=text,
        html=html,
        headers={},
    ).send()
    Follower.objects.filter(pk=follower.pk).update(confirmation_sent_at=timezone.now())
    return True


def follower_for(signed: links.Signed) -> Follower | None:
    return Follower.objects.filter(pk=signed.follower_id, email=signed.email).first()


def confirm(follower: Follower) -> bool:
    """Pending → following. False (and no change) for anything else: a second click, an old link."""
    changed = Follower.objects.filter(pk=follower.pk, status=Status.PENDING).update(
        status=Status.CONFIRMED, confirmed_at=timezone.now(), unsubscribed_at=None
    )
    if changed:
        follower.refresh_from_db()
        pagecache.invalidate()  # the widget's "Join N other followers"
    return bool(changed)


def unsubscribe(follower: Follower) -> bool:
    """Stop all new-post mail to this follower. False if they had already stopped."""
    changed = Follower.objects.filter(pk=follower.pk, status__in=[Status.CONFIRMED, Status.PENDING]).update(
        status=Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )
    if changed:
        follower.refresh_from_db()
        pagecache.invalidate()
    return bool(changed)


def set_frequency(follower: Follower, frequency: str) -> None:
    if frequency not in Follower.Frequency.values:
        raise FollowRefused("Choose instant mail or a weekly digest.")
    if follower.frequency != frequency:
        follower.frequency = frequency
        # A new weekly follower's first digest comes a week from now, with what is published until then.
        follower.last_digest_at = timezone.now() if frequency == Follower.Frequency.WEEKLY else None
        follower.save(update_fields=["frequency", "last_digest_at"])


def stop_follow_ups(*, post_id: int, email: str) -> bool:
    _, created = FollowUpStop.objects.get_or_create(post_id=post_id, email=email.strip().lower())
    return created


def record_hard_bounce(follower: Follower) -> None:
    """A mail server refused this address for good. After the owner's limit, it gets no more mail."""
    limit = FollowerSettings.load().stop_after_bounces
    Follower.objects.filter(pk=follower.pk).update(hard_bounces=follower.hard_bounces + 1)
    follower.hard_bounces += 1
    if limit and follower.hard_bounces >= limit and follower.status == Status.CONFIRMED:
        Follower.objects.filter(pk=follower.pk).update(status=Status.BOUNCING)
        follower.status = Status.BOUNCING
        log.warning("Stopped mail to follower %s after %s hard bounces", follower.pk, follower.hard_bounces)
        pagecache.invalidate()


def forget_unconfirmed(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - UNCONFIRMED_KEPT
    deleted, _ = Follower.objects.filter(status=Status.PENDING, created_at__lt=cutoff).delete()
    return deleted


def confirmed_count() -> int:
    return Follower.objects.filter(status=Status.CONFIRMED).count()


def follow_ups_stopped(*, post_id: int, email: str) -> bool:
    return FollowUpStop.objects.filter(post_id=post_id, email=email.strip().lower()).exists()


def post_titled(post_id: int) -> Post | None:
    """The post a follow-up link is about, for its title and link (None once it is gone or not public)."""
    post = Post.objects.filter(pk=post_id).first()
    return post if post is not None and post.is_live and not post.password else None


def confirmed_per_day(*, start: date, end: date) -> dict[date, int]:
    """Followers who confirmed per local day, from `start` to `end` inclusive (the stats dashboard's chart)."""
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, datetime.min.time()), tz)
    rows = (
        Follower.objects.filter(confirmed_at__gte=since)
        .annotate(day=TruncDate("confirmed_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("id"))
    )
    return {row["day"]: row["n"] for row in rows if row["day"] <= end}
