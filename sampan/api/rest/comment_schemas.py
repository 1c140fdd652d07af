"""Comments as the REST API shows and takes them."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from sampan.comments import services
from sampan.comments.models import Comment

from .reading import absolute, local
from .schemas import DbId, Text

CommentStatus = Literal["pending", "approved", "spam", "trash"]
CommentKind = Literal["comment", "pingback", "trackback", "webmention"]
MAX_COMMENT = 100_000  # the owner's own limit (discussion settings) applies too, as a 422


def _web_address(value: str) -> str:
    if value.strip():
        try:
            URLValidator(schemes=["http", "https"])(value.strip())
        except ValidationError:
            raise ValueError("must be an http or https address") from None
    return value


class CommentContentOut(Schema):
    raw: str | None = Field(None, description="What was typed; only for those who may moderate the comment.")
    rendered: str = Field(description="Sanitized HTML, as the post's page shows it.")


class CommentOut(Schema):
    id: int
    post: int
    parent: int | None
    kind: CommentKind = Field(description="A comment, or a received pingback, trackback or webmention.")
    status: CommentStatus
    author_name: str
    author_url: str
    author_email: str | None = Field(None, description="Only for those who may moderate the comment.")
    user: int | None = Field(description="The signed-in writer who wrote it, if one did.")
    date: datetime = Field(description="In the site's time zone, with its offset.")
    date_gmt: datetime
    content: CommentContentOut
    link: str
    source_url: str = Field(
        description="For pingbacks, trackbacks and webmentions: the page that links here."
    )
    mention_type: str = Field(description="For webmentions: mention, reply, like, repost or bookmark.")


class CommentPatch(Schema):
    """Only the fields sent change."""

    model_config = ConfigDict(extra="forbid")

    status: CommentStatus | None = None
    content: Annotated[Text, Field(min_length=1, max_length=MAX_COMMENT)] | None = None
    author_name: Annotated[Text, Field(max_length=200)] | None = None
    author_url: Annotated[Text, Field(max_length=500), AfterValidator(_web_address)] | None = None


class CommentCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    post: DbId
    content: Annotated[Text, Field(min_length=1, max_length=MAX_COMMENT)]
    parent: DbId | None = Field(None, description="The comment this one replies to, on the same post.")


def comment_json(comment: Comment, user: Any) -> dict[str, Any]:
    moderator = user.is_authenticated and services.can_moderate(user, comment)
    return {
        "id": comment.pk,
        "post": comment.post_id,
        "parent": comment.parent_id,
        "kind": comment.kind,
        "status": comment.status,
        "author_name": comment.author_name,
        "author_url": comment.author_url,
        "author_email": comment.author_email if moderator else None,
        "user": comment.user_id,
        "date": local(comment.created_at),
        "date_gmt": comment.created_at.astimezone(UTC),
        "content": {"raw": comment.body if moderator else None, "rendered": comment.body_html},
        "link": absolute(comment.get_absolute_url()),
        "source_url": comment.source_url,
        "mention_type": comment.mention_type,
    }
