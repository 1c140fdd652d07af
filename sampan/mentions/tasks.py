"""Background work of mentions: verifying what other sites sent, and sending ours. Each task calls a service."""

import logging

from django_tasks import task

from sampan.blog.models import Post

from . import receiving, sending
from .models import ReceivedMention, SentMention

log = logging.getLogger(__name__)


@task()
def verify_webmention(received_id: int) -> str:
    received = ReceivedMention.objects.select_related("post").filter(pk=received_id).first()
    if received is None or received.status != ReceivedMention.Status.PENDING:
        return "nothing to verify"
    verdict = receiving.verify_mention(received).status
    receiving.forget_old_requests()
    return verdict


@task()
def send_post_mentions(source: str, post_id: int | None, withdrawn: bool = False) -> int:
    """Queue and send the mentions of one post (or, `withdrawn`, tell every page it linked that it is gone)."""
    post = Post.objects.filter(pk=post_id).first() if post_id is not None else None
    html = "" if withdrawn or post is None else post.body_html
    planned = sending.plan_mentions(source=source, html=html, post=post)
    for sent in planned:
        send_link_mention.enqueue(sent.pk)
    return len(planned)


@task()
def send_link_mention(sent_id: int) -> str:
    sent = SentMention.objects.filter(pk=sent_id).first()
    if sent is None or sent.status not in (SentMention.Status.QUEUED, SentMention.Status.RETRYING):
        return "nothing to send"
    sending.send_mention(sent)
    if sent.status == SentMention.Status.RETRYING and sent.next_retry_at is not None:
        backend = send_link_mention.get_backend()
        if backend.supports_defer:
            send_link_mention.using(run_after=sent.next_retry_at).enqueue(sent.pk)
        else:
            log.warning("The task backend cannot run work later; mention %s is not retried.", sent.pk)
    return sent.status
