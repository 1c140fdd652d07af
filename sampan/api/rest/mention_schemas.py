"""Mentions as the REST API shows them: received ones (comments of a mention kind) and the ones the site sent."""

from datetime import UTC, datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from sampan.mentions.models import SentMention

from .comment_schemas import CommentOut

MentionKind = Literal["pingback", "trackback", "webmention"]
MentionType = Literal["mention", "reply", "like", "repost", "bookmark"]
SentStatus = Literal["queued", "sent", "retrying", "failed", "no-endpoint"]
MENTION_KINDS = ["pingback", "trackback", "webmention"]


class MentionOut(CommentOut):
    """A received pingback, trackback or webmention. It is a comment of that `kind`: moderate it (approve, hold,
    spam, trash) with `PATCH /api/comments/{id}/` and delete it with `DELETE /api/comments/{id}/`."""

    kind: MentionKind = Field(description="How the other site told us: pingback, trackback or webmention.")


class SentMentionOut(Schema):
    id: int
    post: int | None = Field(description="Our post that links out; null once that post is deleted.")
    source: str = Field(description="Our post's address.")
    target: str = Field(description="The page our post links (or linked) to.")
    protocol: Literal["webmention", "pingback", ""] = Field(
        description="Empty when the page takes no mentions."
    )
    endpoint: str
    status: SentStatus
    response: str = Field(description="What the other site answered.")
    attempts: int
    last_tried: datetime | None
    next_retry: datetime | None
    still_linked: bool = Field(
        description="False once the post no longer links there (the removal was sent)."
    )


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def sent_mention_json(sent: SentMention) -> dict[str, Any]:
    return {
        "id": sent.pk,
        "post": sent.post_id,
        "source": sent.source,
        "target": sent.target,
        "protocol": sent.protocol,
        "endpoint": sent.endpoint,
        "status": sent.status,
        "response": sent.response,
        "attempts": sent.attempts,
        "last_tried": _utc(sent.last_tried_at),
        "next_retry": _utc(sent.next_retry_at),
        "still_linked": sent.still_linked,
    }
