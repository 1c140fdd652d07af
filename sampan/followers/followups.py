"""Follow-up comment mail: a commenter who ticked "notify me of follow-up comments" gets one mail per new
approved comment on that post, each with a one-click "stop these" link (also its List-Unsubscribe).

The comments app tells us through its hooks (`comment_approved_hooks`, `comment_submitted_hooks`), so a comment
approved later by the owner is mailed then. Only approved comments' addresses are written to: the ticked box
of a held or spam comment sends nothing. An address that stopped (for this post) or that bounces for good gets
nothing. A `FollowUpDelivery` per comment and address makes a retry send only what was missing.

Also here: a commenter who ticked "notify me of new posts" is asked to confirm, like anyone who follows.
"""

import logging
import smtplib
from typing import Any

from django.core.mail import get_connection

from sampan.blog.rendering import plain_text
from sampan.comments.models import Comment
from sampan.core import fragments

from . import links, mail, services
from .models import Follower, FollowUpDelivery, FollowUpStop

log = logging.getLogger(__name__)


def comment_approved(comment: Comment) -> None:
    """Hook for `comment_approved_hooks`: queue the follow-up mail; never fail the request that approved it."""
    from .tasks import send_follow_up_mail

    if comment.kind != Comment.Kind.COMMENT:
        return
    try:
        send_follow_up_mail.enqueue(comment.pk)
    except Exception:  # the comment is approved; a lost notice must not turn that into an error page
        log.exception("Could not queue follow-up mail about comment %s", comment.pk)


def comment_submitted(comment: Comment) -> None:
    """Hook for `comment_submitted_hooks`: "notify me of new posts" starts the usual double opt-in."""
    if not comment.follow_blog or not comment.author_email:
        return
    if comment.status not in (Comment.Status.PENDING, Comment.Status.APPROVED):
        return  # a spam comment must not make us mail whatever address it typed
    try:
        services.request_follow(email=comment.author_email, source=Follower.Source.COMMENT)
    except services.FollowRefused:
        log.info("Comment %s asked to follow with an address we cannot mail", comment.pk)
    except Exception:
        log.exception("Could not start following for comment %s", comment.pk)


def recipients(comment: Comment) -> list[str]:
    asked = (
        Comment.objects.filter(
            post_id=comment.post_id,
            status=Comment.Status.APPROVED,
            notify_followups=True,
            kind=Comment.Kind.COMMENT,
        )
        .exclude(author_email="")
        .values_list("author_email", flat=True)
    )
    own = comment.author_email.strip().lower()
    stopped = set(FollowUpStop.objects.filter(post_id=comment.post_id).values_list("email", flat=True))
    stopped |= set(Follower.objects.filter(status=Follower.Status.BOUNCING).values_list("email", flat=True))
    done = set(FollowUpDelivery.objects.filter(comment=comment).values_list("email", flat=True))
    wanted = {e.strip().lower() for e in asked} - stopped - done - {own}
    return sorted(wanted)


def send_for_comment_id(comment_id: int, *, connection: Any = None) -> int:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED or not comment.post.is_live:
        return 0
    sent = 0
    addresses = recipients(comment)
    if not addresses:
        return 0
    connection = connection or get_connection()
    with connection:
        for email in addresses:
            try:
                connection.send_messages([follow_up_message(comment, email)])
            except smtplib.SMTPRecipientsRefused:
                log.info("Follow-up mail about comment %s refused for one address", comment.pk)
            FollowUpDelivery.objects.get_or_create(comment=comment, email=email)
            sent += 1
    return sent


def follow_up_message(comment: Comment, email: str) -> Any:
    post = comment.post
    stop_url = links.url("stop_comments", email=email, post_id=post.pk)
    context = {
        "comment": comment,
        "author": mail.one_line(comment.author_name, 100) or "Someone",
        "post_title": mail.one_line(post.title) or "(no title)",
        "comment_url": links.absolute(comment.get_absolute_url()),
        "comment_text": plain_text(comment.body_html),
        "stop_url": stop_url,
        "manage_url": links.url("manage", email=email),
    }
    text, html = mail.render_pair("follow_up", context)
    return mail.build(
        to=email,
        subject=f"[{mail.one_line(fragments.site_settings().title, 80)}] New comment on “{context['post_title']}”",
        text=text,
        html=html,
        headers=mail.list_headers(stop_url),
    )


def follow_up_posts(email: str) -> list[Any]:
    """Posts whose new comments this address is mailed about (it asked, and has not said stop)."""
    email = email.strip().lower()
    post_ids = set(
        Comment.objects.filter(
            author_email__iexact=email, notify_followups=True, status=Comment.Status.APPROVED
        ).values_list("post_id", flat=True)
    )
    post_ids -= set(FollowUpStop.objects.filter(email=email).values_list("post_id", flat=True))
    return [p for p in (services.post_titled(pk) for pk in sorted(post_ids)) if p is not None]
