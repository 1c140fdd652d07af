"""The post author's mail about a new or held comment, with signed one-click approve / spam / trash links.

`notify_post_author` is the service the background task calls (a slow mail server never slows the reader's
POST); `comment_submitted` is the hook the app registers, which only puts that task in the queue. As WordPress
does, the author sees the commenter's email address; nothing in the mail loads anything from anywhere.
"""

import logging

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from sampan.core.models import SiteSettings

from . import links
from .models import Comment, DiscussionSettings
from .rendering import web_address

log = logging.getLogger(__name__)

Status = Comment.Status


def comment_submitted(comment: Comment) -> None:
    """Hook for `services.comment_submitted_hooks`: queue the author's mail; never fail the reader's request."""
    from .tasks import send_comment_notification

    if comment.status not in (Status.PENDING, Status.APPROVED):
        return
    try:
        send_comment_notification.enqueue(comment.pk)
    except Exception:  # the comment is saved; a lost notice must not turn the reader's POST into an error
        log.exception("Could not queue the author's mail about comment %s", comment.pk)


def should_notify(comment: Comment) -> bool:
    author = comment.post.author
    if not DiscussionSettings.load().notify_author or not author.email:
        return False
    if comment.status not in (Status.PENDING, Status.APPROVED):
        return False  # spam and trash wait in the queue without a mail, as in WordPress
    own = comment.user_id == author.pk or comment.author_email.strip().lower() == author.email.strip().lower()
    return not own


def notify_post_author(comment: Comment) -> bool:
    """Mail the post's author about `comment`, if the settings and the comment call for it. True when sent."""
    if not should_notify(comment):
        return False
    message = build_message(comment)
    message.send()
    log.info("Mailed the author of post %s about comment %s", comment.post_id, comment.pk)
    return True


def build_message(comment: Comment) -> EmailMultiAlternatives:
    held = comment.status == Status.PENDING
    site = SiteSettings.load().title
    title = comment.post.title
    subject = f"[{site}] Please moderate: “{title}”" if held else f"[{site}] New comment on “{title}”"
    actions = [a for a in links.MODERATION_ACTIONS if held or a != "approve"]
    context = {
        "comment": comment,
        "post": comment.post,
        "post_url": links.absolute(comment.post.get_absolute_url()),
        "held": held,
        "site_title": site,
        "kind": comment.get_kind_display().lower(),
        "author_link": web_address(comment.author_url),
        "source_link": web_address(comment.source_url),
        "score": None if comment.spam_score is None else f"{comment.spam_score:.0%}",
        "actions": [(LABELS[a], links.moderation_url(comment.pk, a)) for a in actions],
        "queue_url": links.queue_url("pending" if held else "all"),
    }
    text = render_to_string("comments/email/new_comment.txt", context)
    html = render_to_string("comments/email/new_comment.html", context)
    # As WordPress does: replying to the mail writes to the commenter.
    reply_to = [comment.author_email] if comment.author_email else []
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[comment.post.author.email], reply_to=reply_to
    )
    message.attach_alternative(html, "text/html")
    return message


LABELS = {"approve": "Approve it", "spam": "Mark it as spam", "trash": "Move it to the trash"}
