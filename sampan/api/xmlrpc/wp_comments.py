"""WordPress's comment methods (wp.getComments and friends): moderation from blogging apps.

As in WordPress, received pingbacks, trackbacks and webmentions are comments too, told apart by `type`. A writer
sees and moderates the comments on the posts they may moderate (an author: their own; editors and administrators:
all); every change goes through `sampan.comments.services`, so the spam classifier learns and caches refresh.
"""

from collections.abc import Callable
from typing import Any
from xmlrpc.client import Fault

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from sampan.blog.models import Post
from sampan.comments import services
from sampan.comments.models import Comment

from . import access, params
from .dispatch import invalid_params, method
from .shapes import absolute, local, utc
from .writing import MAX_YEAR, MIN_YEAR

MAX_COMMENTS = 100
Status = Comment.Status
# WordPress's words for a comment's state, and Sampan's.
WP_STATUS = {Status.PENDING: "hold", Status.APPROVED: "approve", Status.SPAM: "spam", Status.TRASH: "trash"}
FROM_WP = {wp: ours for ours, wp in WP_STATUS.items()}
STATUS_LABELS = {"hold": "Unapproved", "approve": "Approved", "spam": "Spam", "trash": "Trash"}
# `comment_type` filter: WordPress's "comment" (or "") and "pings" (every received link), and each kind.
KINDS = {"": [Comment.Kind.COMMENT], "comment": [Comment.Kind.COMMENT],
         "pings": [Comment.Kind.PINGBACK, Comment.Kind.TRACKBACK, Comment.Kind.WEBMENTION],
         **{kind: [kind] for kind in Comment.Kind.values if kind != Comment.Kind.COMMENT}}  # fmt: skip
NOT_ALLOWED = "Sorry, you are not allowed to moderate or edit this comment."


def as_struct(comment: Comment) -> dict[str, Any]:
    return {
        "comment_id": str(comment.pk),
        "parent": str(comment.parent_id or 0),
        "user_id": str(comment.user_id or 0),
        "dateCreated": local(comment.created_at),
        "date_created_gmt": utc(comment.created_at),
        "status": WP_STATUS[Status(comment.status)],
        "content": comment.body,
        "link": absolute(comment.get_absolute_url()),
        "post_id": str(comment.post_id),
        "post_title": comment.post.title,
        "author": comment.author_name,
        "author_url": comment.author_url or comment.source_url,
        "author_email": comment.author_email,
        "author_ip": "",  # never stored
        "type": "" if comment.kind == Comment.Kind.COMMENT else comment.kind,
    }


def _moderatable(user: Any) -> QuerySet[Comment]:
    if not user.is_staff:
        return Comment.objects.none()
    return services.moderatable_by(user)


def _moderates_post(user: Any, post: Post) -> bool:
    return services.can_moderate(user, Comment(post=post))


def find_comment(comment_id: Any) -> Comment:
    try:
        number = int(str(comment_id).strip())
    except ValueError:
        number = 0
    comment = None
    if 0 < number < 2**63:
        comment = Comment.objects.select_related("post").filter(pk=number).first()
    if comment is None:
        raise Fault(404, "Invalid comment ID.")
    return comment


def _find_moderatable(user: Any, comment_id: Any, refusal: str = NOT_ALLOWED) -> Comment:
    comment = find_comment(comment_id)
    if not services.can_moderate(user, comment):
        raise Fault(403, refusal)
    return comment


def _status(value: Any) -> str:
    wanted = params.text(value, "status")
    if wanted not in FROM_WP:
        raise Fault(401, "Invalid comment status.")
    return str(FROM_WP[wanted])


@method("wp.getComments")
def get_comments(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, filters: Any = None
) -> list[dict[str, Any]]:
    """Newest first; without a `status`, the approved and held ones (WordPress's "All")."""
    user = access.sign_in(request, username, password)
    wanted = params.struct(filters or {}, "filter")
    comments = _moderatable(user)
    if wanted.get("post_id") not in (None, "", 0, "0"):
        post = access.find_post(wanted["post_id"])
        if not _moderates_post(user, post):
            raise Fault(403, "Sorry, you are not allowed to moderate comments on this post.")
        comments = comments.filter(post=post)
    if wanted.get("status") not in (None, ""):
        comments = comments.filter(status=_status(wanted["status"]))
    else:
        comments = comments.filter(status__in=[Status.PENDING, Status.APPROVED])
    if wanted.get("comment_type") is not None:
        kind = params.text(wanted["comment_type"], "comment_type")
        if kind not in KINDS:
            raise invalid_params(f"comment_type must be one of {', '.join(k for k in KINDS if k)}")
        comments = comments.filter(kind__in=KINDS[kind])
    number = min(max(params.integer(wanted.get("number", 10), "number"), 0), MAX_COMMENTS)
    offset = max(params.integer(wanted.get("offset", 0), "offset"), 0)
    found = comments.order_by("-created_at", "-id")[offset : offset + number]
    return [as_struct(comment) for comment in found]


@method("wp.getComment")
def get_comment(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, comment_id: Any
) -> dict[str, Any]:
    user = access.sign_in(request, username, password)
    return as_struct(_find_moderatable(user, comment_id))


@method("wp.editComment")
def edit_comment(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, comment_id: Any, content: Any
) -> bool:
    """Only the fields sent change: `status`, `content`, `author`, `author_url`, `author_email`,
    `date_created_gmt`."""
    user = access.sign_in(request, username, password)
    comment = _find_moderatable(user, comment_id)
    fields = params.struct(content, "content")
    status = _status(fields["status"]) if fields.get("status") is not None else None
    edits = _edits(fields)
    with transaction.atomic():
        if edits:
            body = edits.pop("body", comment.body)
            try:
                services.edit_comment(comment, body=body, **edits)
            except services.CommentRejected as err:
                raise Fault(403, str(err)) from None
        if status is not None:
            services.set_status(comment, status, by=user)
    return True


def _edits(fields: dict[str, Any]) -> dict[str, Any]:
    """The content and author changes asked for, checked (nothing is saved until all are good)."""
    text = params.optional_text
    edits: dict[str, Any] = {
        "body": text(fields.get("content"), "content"),
        "author_name": text(fields.get("author"), "author"),
        "author_url": text(fields.get("author_url"), "author_url"),
        "author_email": text(fields.get("author_email"), "author_email"),
    }
    if fields.get("date_created_gmt") is not None:
        when = params.moment(fields["date_created_gmt"], "date_created_gmt")
        if not MIN_YEAR <= when.year <= MAX_YEAR:
            raise Fault(400, f"The date must fall between the years {MIN_YEAR} and {MAX_YEAR}.")
        edits["created_at"] = when
    checks: list[tuple[str, Callable[[str], None], str]] = [
        ("author_url", URLValidator(schemes=["http", "https"]), "a web address"),  # type: ignore[list-item]
        ("author_email", validate_email, "an email address"),
    ]
    for name, check, noun in checks:
        if edits[name]:
            try:
                check(edits[name].strip())
            except ValidationError:
                raise Fault(403, f"The {name} is not {noun}.") from None
    return {name: value for name, value in edits.items() if value is not None}


@method("wp.deleteComment")
def delete_comment(request: HttpRequest, blog_id: Any, username: Any, password: Any, comment_id: Any) -> bool:
    """To the trash, as WordPress does; a comment already in the trash is deleted for good."""
    user = access.sign_in(request, username, password)
    comment = _find_moderatable(user, comment_id, "Sorry, you are not allowed to delete this comment.")
    if comment.status == Status.TRASH:
        services.delete_comment(comment)
    else:
        services.trash_comment(comment, by=user)
    return True


@method("wp.newComment")
def new_comment(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, post_id: Any, content: Any
) -> int:
    """A signed-in writer's comment or reply (`comment_parent`), under their own name; readers use the site's
    form, so there are no anonymous comments here."""
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    if not (post.is_live or access.editable_posts(user).filter(pk=post.pk).exists()):
        raise Fault(404, "Invalid post ID.")
    fields = params.struct(content, "content")
    body = params.text(fields.get("content") or "", "content")
    if not body.strip():
        raise Fault(403, "Comment is required.")
    parent = None
    parent_id = params.integer(fields.get("comment_parent") or 0, "comment_parent")
    if parent_id:
        parent = Comment.objects.filter(pk=parent_id, post=post).first()
        if parent is None:
            raise Fault(403, "The comment you are replying to is not there any more.")
    try:
        comment = services.submit_comment(
            post=post,
            body=body,
            author_name=user.get_full_name() or user.get_username(),
            author_email=user.email,
            parent=parent,
            user=user,
        )
    except services.CommentRejected as err:
        raise Fault(403, str(err)) from None
    return int(comment.pk)


@method("wp.getCommentCount")
def get_comment_count(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, post_id: Any
) -> dict[str, int]:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    if not _moderates_post(user, post):
        raise Fault(403, "Sorry, you are not allowed to access details of this post.")
    counts = {status: 0 for status in Status.values}
    for row in Comment.objects.filter(post=post).values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return {
        "approved": counts[Status.APPROVED],
        "awaiting_moderation": counts[Status.PENDING],
        "spam": counts[Status.SPAM],
        # WordPress's total leaves the trash out.
        "total_comments": counts[Status.APPROVED] + counts[Status.PENDING] + counts[Status.SPAM],
    }


@method("wp.getCommentStatusList")
def get_comment_status_list(
    request: HttpRequest, blog_id: Any, username: Any, password: Any
) -> dict[str, str]:
    user = access.sign_in(request, username, password)
    if not user.has_perm("blog.add_post"):
        raise Fault(403, "Sorry, you are not allowed to access details about this site.")
    return STATUS_LABELS
