"""A new post's mail to every follower who wants it at once: in batches, each send recorded, resumable.

When a post goes live, `start_mailing` makes its `NewPostMailing` (once per post, ever) and queues the task.
The task sends batches until every instant follower who was following when the post went live has a
`Delivery` row for it. Each row is written right after the mail server accepts that message, so a worker
killed mid-batch leaves exactly the messages that went out recorded; the next run (the worker's housekeeping
picks up a mailing whose lease ran out) skips those and sends the rest. At worst, the one message in flight at
the instant of a crash goes twice, with the same Message-ID.

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


def run_mailing(mailing_id: int, *, connect: Callable[[], Any] | None = None, max_seconds: float = 50) -> str:
    """Send batches for up to `max_seconds`, at the owner's rate. DONE when every recipient has the post;
    MORE when there is more to send (the task queues the rest); BUSY when another worker holds the mailing."""
    mailing = NewPostMailing.objects.select_related("post").filter(pk=mailing_id).first()
    if mailing is None or mailing.finished_at is not None:
        return DONE
    if not claim(mailing):
        return BUSY
    settings = FollowerSettings.load()
    if not is_mailable(mailing.post, now=mailing.started_at):
        return _finish(mailing, "the post is no longer public")
    prepared = mail.prepare_new_post(mailing.post, full_text=settings.full_text)
    started, after, size = time.monotonic(), 0, max(1, settings.batch_size)
    while True:
        batch_began = time.monotonic()
        batch = send_batch(
            mailing, prepared, after=after, limit=size, connections=settings.connections, connect=connect
        )
        after = batch.last_id
        if not batch.more:
            return _finish(mailing, "")
        NewPostMailing.objects.filter(pk=mailing.pk).update(lease_until=timezone.now() + LEASE)
        if settings.messages_per_minute:
            pause = size * 60 / settings.messages_per_minute - (time.monotonic() - batch_began)
            if pause > 0:
                time.sleep(pause)
        if time.monotonic() - started > max_seconds:
            NewPostMailing.objects.filter(pk=mailing.pk).update(lease_until=None)
            return MORE  # the task queues the rest, so one long mailing never holds a worker for long


def _finish(mailing: NewPostMailing, why: str) -> str:
    NewPostMailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now(), lease_until=None)
    sent = Delivery.objects.filter(post_id=mailing.post_id).count()
    log.info(
        "Mail about post %s finished: %s deliveries%s", mailing.post_id, sent, f" ({why})" if why else ""
    )
    return DONE


def unfinished(*, now: datetime | None = None) -> list[int]:
    """Mailings nobody is working on (their worker stopped): the housekeeping queues them again."""
    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    waiting = NewPostMailing.objects.filter(free, finished_at__isnull=True, started_at__lt=now - LEASE)
    return list(waiting.values_list("pk", flat=True))
