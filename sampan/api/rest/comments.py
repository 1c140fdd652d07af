"""Comments (and received pingbacks, trackbacks, webmentions): anyone reads the approved ones on public posts;
writers moderate those on the posts they may moderate, and reply. Every change is a `sampan.comments.services`
operation, so moderation here is moderation in the admin (the spam filter learns, caches refresh)."""

from typing import Annotated, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja import Status as Answer
from ninja.errors import HttpError
from pydantic import Field

from sampan.blog.models import Post
from sampan.comments import services
from sampan.comments.models import Comment

from . import auth, writing
from .comment_schemas import CommentCreate, CommentKind, CommentOut, CommentPatch, CommentStatus, comment_json
from .paging import MAX_PER_PAGE, paginate
from .posts import NO_NUL, READ_ERRORS, WRITE_ERRORS, PostId
from .schemas import DbId, ErrorOut, Moment, Text

comments_router = Router(tags=["comments"])
Page = Annotated[int, Field(ge=1, le=1_000_000)]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE)]
Search = Annotated[Text, Field(max_length=200, pattern=NO_NUL)]
Status = Comment.Status
# The comment rules name the form's fields; the API's are named after the JSON.
FIELD_NAMES = {"body": "content", "parent": "parent"}


def visible_comments(user: Any) -> QuerySet[Comment]:
    """Approved ones on live, unprotected posts for everyone; for a writer, also every one they moderate."""
    comments = Comment.objects.select_related("post", "post__author")
    public = Q(status=Status.APPROVED, post__in=Post.objects.live().filter(password=""))
    if user.is_authenticated and user.is_staff:
        return comments.filter(public | Q(pk__in=services.moderatable_by(user).values("pk")))
    return comments.filter(public)


def _filtered(comments: QuerySet[Comment], user: Any, *, post: int | None, status: str | None,
              kind: str | None, search: str | None, after: Any, before: Any) -> QuerySet[Comment]:  # fmt: skip
    if status is None:
        # What the site shows and what waits for a decision; spam and trash only when asked for.
        comments = comments.filter(status__in=[Status.APPROVED, Status.PENDING])
    elif status != Status.APPROVED and not user.is_authenticated:
        raise auth.MissingCredentials("Only a signed-in writer may list comments that are not approved.")
    else:
        comments = comments.filter(status=status)
    bounds = {"post": post, "kind": kind, "created_at__gt": after, "created_at__lt": before}
    comments = comments.filter(**{k: v for k, v in bounds.items() if v is not None})
    if search is not None:
        comments = comments.filter(Q(body__icontains=search) | Q(author_name__icontains=search))
    return comments.order_by("-created_at", "-id")


@comments_router.get("/", response={200: list[CommentOut], **READ_ERRORS}, operation_id="list_comments",
                     summary="List comments")  # fmt: skip
def list_comments(
    request: HttpRequest,
    response: HttpResponse,
    page: Page = 1,
    per_page: PerPage = 10,
    post: DbId | None = None,
    status: CommentStatus | None = None,
    kind: CommentKind | None = None,
    search: Search | None = None,
    after: Moment | None = None,
    before: Moment | None = None,
) -> Any:
    """Newest first. Readers: the approved ones on public posts. Writers: also those they moderate (without a
    `status`: approved and pending)."""
    user = auth.reader(request)
    comments = _filtered(visible_comments(user), user, post=post, status=status, kind=kind, search=search,
                         after=after, before=before)  # fmt: skip
    found = paginate(comments, page=page, per_page=per_page, request=request, response=response)
    return [comment_json(c, user) for c in found]


@comments_router.get("/{id}/", response={200: CommentOut, 404: ErrorOut, **READ_ERRORS},
                     operation_id="get_comment", summary="One comment")  # fmt: skip
def get_comment(request: HttpRequest, id: PostId) -> Any:
    user = auth.reader(request)
    return comment_json(get_object_or_404(visible_comments(user), pk=id), user)


def _moderated(request: HttpRequest, id: int) -> tuple[Any, Comment]:
    user = request.auth  # type: ignore[attr-defined]
    comment = get_object_or_404(visible_comments(user), pk=id)
    if not services.can_moderate(user, comment):
        raise HttpError(403, "You may not moderate this comment.")
    return user, comment


@comments_router.patch("/{id}/", response={200: CommentOut, 404: ErrorOut, **WRITE_ERRORS},
                       auth=auth.basic_auth, operation_id="update_comment", summary="Moderate or edit a comment")  # fmt: skip
def update_comment(request: HttpRequest, id: PostId, payload: CommentPatch) -> Any:
    """Only the fields sent change. A `status` change is a moderation decision: approving or marking spam teaches
    the spam filter."""
    user, comment = _moderated(request, id)
    data = payload.model_dump(exclude_unset=True, exclude_none=True)
    status = data.pop("status", None)
    with transaction.atomic():
        if data:
            body = data.pop("content", comment.body)
            try:
                services.edit_comment(comment, body=body, **data)
            except services.CommentRejected as err:
                raise writing.invalid(FIELD_NAMES.get(err.field, "content"), str(err)) from None
        if status is not None:
            services.set_status(comment, status, by=user)
    return comment_json(Comment.objects.select_related("post", "post__author").get(pk=comment.pk), user)


@comments_router.delete("/{id}/", response={204: None, 404: ErrorOut, **WRITE_ERRORS}, auth=auth.basic_auth,
                        operation_id="delete_comment", summary="Trash or delete a comment")  # fmt: skip
def delete_comment(request: HttpRequest, id: PostId, force: bool = False) -> Any:
    """To the trash; with `force=true`, deleted for good (its replies move up to its parent)."""
    user, comment = _moderated(request, id)
    if force:
        services.delete_comment(comment)
    else:
        services.trash_comment(comment, by=user)
    return Answer(204, None)


@comments_router.post("/", response={201: CommentOut, **WRITE_ERRORS}, auth=auth.basic_auth,
                      operation_id="create_comment", summary="Reply as a signed-in writer")  # fmt: skip
def create_comment(request: HttpRequest, payload: CommentCreate) -> Any:
    """A writer's own comment or reply, under their name, judged by the same rules as any comment. Readers
    comment through the site's form, not the API."""
    user = request.auth  # type: ignore[attr-defined]
    post = Post.objects.filter(pk=payload.post).first()
    if post is None or not ((post.is_live and not post.password) or auth.may_edit(user, post)):
        raise writing.invalid("post", f"There is no post {payload.post}.")
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, post=post).first()
        if parent is None:
            raise writing.invalid("parent", f"There is no comment {payload.parent} on this post.")
    try:
        comment = services.submit_comment(
            post=post, body=payload.content, author_name=user.get_full_name() or user.get_username(),
            author_email=user.email, parent=parent, user=user,
        )  # fmt: skip
    except services.CommentRejected as err:
        if not err.field:
            raise HttpError(403, str(err)) from None
        raise writing.invalid(FIELD_NAMES.get(err.field, err.field), str(err)) from None
    return Answer(201, comment_json(comment, user))
