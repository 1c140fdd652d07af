"""A new post's mail to every follower who wants it at once: in batches, each send recorded, resumable.

When a post goes live, `start_mailing` makes its `NewPostMailing` (once per post, ever) and queues the task.
The task sends batches until every instant follower who was following when the post went live has a
`Delivery` row for it. Rows are written as the mail server accepts each message, so a worker killed mid-batch
leaves what went out recorded; the next run (the worker's housekeeping picks up a mailing whose lease ran out)
skips those and sends the rest. At worst, the few messages in flight at the instant of a crash (one per
connection, accepted but not yet written down) go twice, with the same Message-ID.

What sends nothing: pages, private and password-protected posts, and posts whose date was more than
`BACKDATED_AFTER` in the past when they went live (imports of old posts, back-dated entries).
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sampan.blog.models import Post

from . import mail, sending, services
from .models import Delivery, Follower, FollowerSettings, NewPostMailing

log = logging.getLogger(__name__)

BACKDATED_AFTER = timedelta(days=2)
LEASE = timedelta(minutes=2)


def is_mailable(post: Post, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        post.kind == Post.Kind.POST
        and post.status == Post.Status.PUBLISHED
        and not post.password
        and post.published_at >= now - BACKDATED_AFTER
    )


def start_mailing(post: Post) -> NewPostMailing | None:
    """Called when a post goes live: the mail about it, made once and queued (None when it sends nothing)."""
    if not is_mailable(post):
        return None
    mailing, created = NewPostMailing.objects.get_or_create(post=post)
    if created:
        from .tasks import send_new_post_mail

        # In the caller's transaction, if any: the database queue then sees the task when it sees the mailing.
        send_new_post_mail.enqueue(mailing.pk)
    return mailing


def on_post_published(sender: Any, post: Post, **kwargs: Any) -> None:
    """Receiver of `blog.events.post_published`."""
    start_mailing(post)


def recipients(mailing: NewPostMailing) -> Any:
    """Instant followers who followed when the post went live and have not had it yet, by id."""
    delivered = Delivery.objects.filter(post_id=mailing.post_id, follower=OuterRef("pk"))
    return (
        Follower.objects.filter(
            status=Follower.Status.CONFIRMED,
            frequency=Follower.Frequency.INSTANT,
            confirmed_at__lte=mailing.started_at,
        )
        .filter(~Exists(delivered))
        .order_by("pk")
        .only("pk", "email", "hard_bounces", "status")
    )


@dataclass
class Batch:
    sent: int = 0
    bounced: int = 0
    last_id: int = 0
    more: bool = False


def send_batch(
    mailing: NewPostMailing,
    prepared: mail.PreparedPost,
    *,
    after: int,
    limit: int,
    connections: int = 1,
    connect: Callable[[], Any] | None = None,
) -> Batch:
    """Send to up to `limit` recipients with ids above `after`, over `connections` connections at once."""
    followers = list(recipients(mailing).filter(pk__gt=after)[: limit + 1])
    batch = Batch(more=len(followers) > limit, last_id=followers[:limit][-1].pk if followers else after)

    def record(outcomes: list[tuple[Follower, bool]]) -> None:
        accepted = [follower for follower, ok in outcomes if ok]
        refused = [follower for follower, ok in outcomes if not ok]
        _record(mailing, accepted, Delivery.Outcome.SENT)
        _record(mailing, refused, Delivery.Outcome.BOUNCED)
        for follower in refused:
            services.record_hard_bounce(follower)
        batch.sent += len(accepted)
        batch.bounced += len(refused)

    sending.send_all(
        followers[:limit],
        lambda follower: mail.new_post_message(prepared, follower),
        connections=connections,
        connect=connect or get_connection,
        record=record,
    )
    return batch


def _record(mailing: NewPostMailing, followers: list[Follower], outcome: str) -> None:
    if followers:
        Delivery.objects.bulk_create(
            [Delivery(post_id=mailing.post_id, follower=f, outcome=outcome) for f in followers],
            ignore_conflicts=True,
        )


def claim(mailing: NewPostMailing, *, now: datetime | None = None) -> bool:
    """Hold the mailing for LEASE, unless another worker holds it. Renewed after every batch."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return bool(
        NewPostMailing.objects.filter(free, pk=mailing.pk, finished_at__isnull=True).update(
            lease_until=now + LEASE
        )
    )


DONE, MORE, BUSY = "done", "more", "busy"


@dataclass(frozen=True)
class Progress:
    state: str  # DONE, MORE (the task queues the rest, after `resume_in` seconds) or BUSY (another worker has it)
    resume_in: float = 0.0


def run_mailing(
    mailing_id: int, *, connect: Callable[[], Any] | None = None, max_seconds: float = 50
) -> Progress:
    """Send batches for up to `max_seconds`, at the owner's rate. Any error (the mail server went away) lets
    go of the mailing, so a retry can take it up at once; a killed worker's lease runs out instead."""
    mailing = NewPostMailing.objects.select_related("post").filter(pk=mailing_id).first()
    if mailing is None or mailing.finished_at is not None:
        return Progress(DONE)
    if not claim(mailing):
        return Progress(BUSY)
    try:
        return _send_batches(mailing, connect=connect, max_seconds=max_seconds)
    finally:
        NewPostMailing.objects.filter(pk=mailing.pk).update(lease_until=None)


def _send_batches(
    mailing: NewPostMailing, *, connect: Callable[[], Any] | None, max_seconds: float
) -> Progress:
    settings = FollowerSettings.load()
    if not is_mailable(mailing.post, now=mailing.started_at):
        return _finish(mailing, "the post is no longer public")
    prepared = mail.prepare_new_post(mailing.post, full_text=settings.full_text)
    rate = settings.messages_per_minute
    # With a rate, a batch is at most a minute's worth, so the mail flows evenly rather than in bursts.
    size = max(1, min(settings.batch_size, rate) if rate else settings.batch_size)
    started, after = time.monotonic(), 0
    while True:
        batch_began = time.monotonic()
        batch = send_batch(
            mailing, prepared, after=after, limit=size, connections=settings.connections, connect=connect
        )
        after = batch.last_id
        if not batch.more:
            return _finish(mailing, "")
        NewPostMailing.objects.filter(pk=mailing.pk).update(lease_until=timezone.now() + LEASE)
        pause = size * 60 / rate - (time.monotonic() - batch_began) if rate else 0.0
        if pause > 0 or time.monotonic() - started > max_seconds:
            # The rest goes in a new task (after the pause): one long mailing never holds a worker for long.
            return Progress(MORE, resume_in=max(0.0, pause))


def _finish(mailing: NewPostMailing, why: str) -> Progress:
    NewPostMailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now(), lease_until=None)
    sent = Delivery.objects.filter(post_id=mailing.post_id).count()
    log.info(
        "Mail about post %s finished: %s deliveries%s", mailing.post_id, sent, f" ({why})" if why else ""
    )
    return Progress(DONE)


def unfinished(*, now: datetime | None = None) -> list[int]:
    """Mailings nobody is working on (their worker stopped): the housekeeping queues them again."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    waiting = NewPostMailing.objects.filter(free, finished_at__isnull=True, started_at__lt=now - LEASE)
    return list(waiting.values_list("pk", flat=True))
