"""Comments for the API tests, made through the comments app's own services (no policy, a chosen state)."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from sampan.blog.models import Post
from sampan.comments import services
from sampan.comments.models import Comment


def make_comment(
    post: Post,
    body: str = "Nice boat.",
    *,
    status: str = Comment.Status.APPROVED,
    kind: str = Comment.Kind.COMMENT,
    minutes_ago: int = 10,
    **fields: Any,
) -> Comment:
    fields.setdefault("author_name", "Mia")
    fields.setdefault("author_email", "mia@example.org")
    return services.import_comment(
        post=post,
        body=body,
        status=status,
        kind=kind,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )
