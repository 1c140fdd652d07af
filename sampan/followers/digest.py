"""The weekly digest: for followers who chose it, one mail a week listing what was published since the last.

A post counts for a digest once its own mail has started (`NewPostMailing`), so the same rules decide what
is mailed (no private, password-protected or back-dated posts). Each post a digest carried is recorded as a
`Delivery` for that follower, the same record instant mail uses, so no post reaches anyone twice.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import get_connection
from django.utils import timezone

from sampan.blog.models import Post
from sampan.core import fragments

from . import fanout, links, mail
from .models import Delivery, Follower, FollowerSettings, NewPostMailing

log = logging.getLogger(__name__)

EVERY = timedelta(days=7)
PER_RUN = 1000  # digests per housekeeping run (every few minutes), so one run never holds the worker for long


def due_followers(now: datetime) -> Any:
    weekly = Follower.objects.filter(status=Follower.Status.CONFIRMED, frequency=Follower.Frequency.WEEKLY)
    return weekly.filter(last_digest_at__lte=now - EVERY) | weekly.filter(
        last_digest_at__isnull=True, confirmed_at__lte=now - EVERY
    )


def posts_for(follower: Follower, now: datetime) -> list[Post]:
    since = follower.last_digest_at or follower.confirmed_at or now
    mailings = (
        NewPostMailing.objects.filter(started_at__gt=since, started_at__lte=now)
        .exclude(post_id__in=Delivery.objects.filter(follower=follower).values("post_id"))
        .select_related("post")
        .order_by("started_at")
    )
    return [m.post for m in mailings if fanout.is_mailable(m.post, now=m.started_at)]


def send_due_digests(*, now: datetime | None = None, connection: Any = None) -> int:
    now = now or timezone.now()
    full_text = FollowerSettings.load().full_text
    sent = 0
    if not due_followers(now).exists():
        return 0  # no connection opened (with the outbox, an empty file every few minutes)
    connection = connection or get_connection()
    with connection:
        for follower in due_followers(now).order_by("pk")[:PER_RUN].iterator():
            posts = posts_for(follower, now)
            if posts:
                connection.send_messages([digest_message(follower, posts, full_text=full_text)])
                Delivery.objects.bulk_create(
                    [Delivery(post=p, follower=follower, outcome=Delivery.Outcome.DIGEST) for p in posts],
                    ignore_conflicts=True,
                )
                sent += 1
            Follower.objects.filter(pk=follower.pk).update(last_digest_at=now)
    if sent:
        log.info("Sent %s weekly digests", sent)
    return sent


def digest_message(follower: Follower, posts: list[Post], *, full_text: bool) -> Any:
    unsubscribe = links.url("unsubscribe", email=follower.email, follower_id=follower.pk)
    manage = links.url("manage", email=follower.email, follower_id=follower.pk)
    context = {
        "posts": [mail.post_context(post, full_text=full_text) for post in posts],
        "unsubscribe_url": unsubscribe,
        "manage_url": manage,
    }
    text, html = mail.render_pair("digest", context)
    title = mail.one_line(fragments.site_settings().title, 80)
    count = f"{len(posts)} new post{'s' if len(posts) != 1 else ''}"
    return mail.build(
        to=follower.email, subject=f"[{title}] This week: {count}", text=text, html=html,
        headers=mail.list_headers(unsubscribe),
    )  # fmt: skip
