"""Mentions: the pingbacks, trackbacks and webmentions other sites sent (they are comments of those kinds, read
with the same rules and moderated through /api/comments/), and the mentions our posts sent out."""

from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import HttpError
from pydantic import Field

from sampan.blog.roles import can_edit_others_posts
from sampan.comments.models import Comment
from sampan.mentions.models import SentMention

from . import auth, mention_schemas
from .comment_schemas import CommentStatus, comment_json
from .comments import visible_comments
from .mention_schemas import MENTION_KINDS, MentionKind, MentionOut, MentionType, SentMentionOut, SentStatus
from .paging import MAX_PER_PAGE, paginate
from .posts import READ_ERRORS, PostId
from .schemas import DbId, ErrorOut, Moment

mentions_router = Router(tags=["mentions"])
Page = Annotated[int, Field(ge=1, le=1_000_000)]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE)]
Status = Comment.Status


def _received(user: Any) -> QuerySet[Comment]:
    return visible_comments(user).filter(kind__in=MENTION_KINDS)


@mentions_router.get("/", response={200: list[MentionOut], **READ_ERRORS}, operation_id="list_mentions",
                     summary="List received mentions")  # fmt: skip
def list_mentions(
    request: HttpRequest,
    response: HttpResponse,
    page: Page = 1,
    per_page: PerPage = 10,
    post: DbId | None = None,
    kind: MentionKind | None = None,
    mention_type: MentionType | None = None,
    status: CommentStatus | None = None,
    after: Moment | None = None,
    before: Moment | None = None,
) -> Any:
    """Pingbacks, trackbacks and webmentions, newest first. Readers: the approved ones on public posts. Writers:
    also those they moderate (without a `status`: approved and pending; spam and trash when asked for). Moderate one with `PATCH /api/comments/{id}/`: it is a comment of its kind."""
    user = auth.reader(request)
    mentions = _received(user)
    if status is None:
        mentions = mentions.filter(status__in=[Status.APPROVED, Status.PENDING])
    elif status != Status.APPROVED and not user.is_authenticated:
        raise auth.MissingCredentials("Only a signed-in writer may list mentions that are not approved.")
    else:
        mentions = mentions.filter(status=status)
    bounds = {"post": post, "kind": kind, "mention_type": mention_type, "created_at__gt": after,
              "created_at__lt": before}  # fmt: skip
    mentions = mentions.filter(**{k: v for k, v in bounds.items() if v is not None}).order_by(
        "-created_at", "-id"
    )
    found = paginate(mentions, page=page, per_page=per_page, request=request, response=response)
    return [comment_json(m, user) for m in found]


def _sent_visible_to(user: Any) -> QuerySet[SentMention]:
    if can_edit_others_posts(user):
        return SentMention.objects.all()
    if not user.has_perm("blog.change_post"):
        raise HttpError(403, "Only writers may see the mentions their posts sent.")
    return SentMention.objects.filter(post__author=user)


# Before "/{id}/", so that "sent" is never read as an id.
@mentions_router.get("/sent/", response={200: list[SentMentionOut], 403: ErrorOut, **READ_ERRORS},
                     auth=auth.basic_auth, operation_id="list_sent_mentions", summary="List sent mentions")  # fmt: skip
def list_sent_mentions(
    request: HttpRequest,
    response: HttpResponse,
    page: Page = 1,
    per_page: PerPage = 10,
    post: DbId | None = None,
    status: SentStatus | None = None,
) -> Any:
    """The pages our posts link to and how telling each one went, newest first. Authors: their own posts';
    editors and administrators: all."""
    sent = _sent_visible_to(request.auth)  # type: ignore[attr-defined]
    bounds = {"post": post, "status": status}
    sent = sent.filter(**{k: v for k, v in bounds.items() if v is not None}).order_by("-id")
    found = paginate(sent, page=page, per_page=per_page, request=request, response=response)
    return [mention_schemas.sent_mention_json(s) for s in found]


@mentions_router.get("/{id}/", response={200: MentionOut, 404: ErrorOut, **READ_ERRORS},
                     operation_id="get_mention", summary="One received mention")  # fmt: skip
def get_mention(request: HttpRequest, id: PostId) -> Any:
    """The same item as `GET /api/comments/{id}/`; a comment that is not a mention is 404 here. Moderate
    it with `PATCH /api/comments/{id}/`, delete it with `DELETE /api/comments/{id}/`."""
    user = auth.reader(request)
    return comment_json(get_object_or_404(_received(user), pk=id), user)
