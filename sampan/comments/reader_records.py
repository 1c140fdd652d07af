"""The comments app's part of a signed-in reader's account (see `sampan.readers.personal`): the comments they
wrote signed in, for their export, and deleted or kept as "a former reader" when they delete the account."""

from typing import Any

from django.db import transaction

from sampan.core import pagecache
from sampan.readers.personal import ReaderRecords

from . import services
from .models import Comment


def _theirs(user: Any):  # type: ignore[no-untyped-def]
    return Comment.objects.filter(user=user).select_related("post").order_by("created_at", "pk")


def export(user: Any) -> list[dict[str, Any]]:
    return [
        {
            "post": comment.post.title,
            "post_url": comment.post.get_absolute_url(),
            "date": comment.created_at.isoformat(),
            "status": comment.status,
            "name": comment.author_name,
            "email": comment.author_email,
            "website": comment.author_url,
            "comment": comment.body,
            "notify_followups": comment.notify_followups,
        }
        for comment in _theirs(user)
    ]


def delete(user: Any) -> int:
    comments = list(_theirs(user))
    for comment in comments:
        services.delete_comment(comment)
    return len(comments)


def keep_as_former(user: Any, name: str) -> int:
    """The words stay in their threads; nothing says who wrote them, and no mail goes to them any more."""
    with transaction.atomic():
        kept = Comment.objects.filter(user=user).update(
            author_name=name,
            author_email="",
            author_url="",
            user=None,
            notify_followups=False,
            client_hash="",
        )
    if kept:
        pagecache.invalidate()
    return kept


RECORDS = ReaderRecords(name="comments", export=export, delete=delete, keep_as_former=keep_as_former)
