"""What mentions does when the blog announces a change to a post (see `sampan.blog.events`)."""

from typing import Any

from django.db import transaction

from sampan.blog.models import Post

from .models import MentionSettings, SentMention
from .sending import may_send_for, source_of


def post_went_out(*, post: Post, **_: Any) -> None:
    """Published or updated: tell the pages it links to (and those it no longer links to)."""
    if not may_send_for(post):
        return
    from .tasks import send_post_mentions

    source, post_id = source_of(post), post.pk
    transaction.on_commit(lambda: send_post_mentions.enqueue(source, post_id))


def post_withdrawn(*, post: Post, **_: Any) -> None:
    """Back to draft, private or deleted: the pages it linked hear that it is gone (the post answers 404)."""
    if not MentionSettings.load().send or not SentMention.objects.filter(post=post).exists():
        return
    from .tasks import send_post_mentions

    source = source_of(post)
    transaction.on_commit(lambda: send_post_mentions.enqueue(source, None, True))
