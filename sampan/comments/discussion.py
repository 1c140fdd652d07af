"""The comments app as the blog's discussion provider (see `sampan.blog.discussion`)."""

from collections.abc import Sequence

from sampan.blog.discussion import Discussion, Thought
from sampan.blog.models import Post

from . import services
from .models import Comment


class CommentsDiscussion:
    def for_post(self, post: Post) -> Discussion:
        return Discussion(post=post, count=services.count_approved(post))

    def latest(self, *, limit: int, post: Post | None = None) -> Sequence[Thought]:
        return [_thought(comment) for comment in services.latest_approved(limit=limit, post=post)]


def _thought(comment: Comment) -> Thought:
    return Thought(
        post=comment.post,
        author_name=comment.author_name or "Anonymous",
        content_html=comment.body_html,
        published_at=comment.created_at,
        url=comment.get_absolute_url(),
        guid=f"comment-{comment.pk}",
        kind=comment.kind,
    )
