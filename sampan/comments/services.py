"""Every operation on comments and received mentions. Views, the admin, the APIs, imports and tasks call these.

- `submit_comment`: a reader's (or writer's) new comment, judged by the moderation policy.
- `receive_mention`: a pingback, trackback or webmention, new or updated, judged the same way.
- `import_comment`: a comment brought from another blog, as it was there (no policy, no mail).
- `approve_comment`, `hold_comment`, `spam_comment`, `trash_comment` (`set_status`): moderation; each decision
  teaches the spam classifier.
- `edit_comment`, `delete_comment`; `personal_data`, `erase_personal_data` for a commenter's rights.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sampan.blog.models import Post
from sampan.core import pagecache

from . import spam
from .models import Comment, DiscussionSettings
from .policy import Candidate, moderator
from .rendering import render_comment, web_address

Status = Comment.Status

# Told about each new comment or mention once it is saved (the author's notification mail, follow-up mail).
# Apps add themselves in their AppConfig.ready(); the comment is committed when they are called.
comment_submitted_hooks: list[Callable[[Comment], None]] = []
comment_approved_hooks: list[Callable[[Comment], None]] = []


class CommentRejected(ValueError):
    """A comment that cannot be taken, with the form field the message belongs to (or "" for the form)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def comments_open(
    post: Post, settings: DiscussionSettings | None = None, *, now: datetime | None = None
) -> bool:
    settings = settings or DiscussionSettings.load()
    if not (settings.comments_allowed and post.comments_open and post.is_live):
        return False
    if settings.close_after_days and post.published_at:
        return post.published_at >= (now or timezone.now()) - timedelta(days=settings.close_after_days)
    return True


def depth_of(comment: Comment) -> int:
    """1 for a top-level comment, 2 for a reply to it, …"""
    depth, seen = 1, {comment.pk}
    parent_id = comment.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        depth += 1
        parent_id = Comment.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return depth


def submit_comment(
    *,
    post: Post,
    body: str,
    author_name: str = "",
    author_email: str = "",
    author_url: str = "",
    parent: Comment | None = None,
    user: Any = None,
    client_hash: str = "",
    notify_followups: bool = False,
    follow_blog: bool = False,
) -> Comment:
    """Take a new comment on `post`: check it may be made, judge it, save it, tell whoever listens.

    Raises `CommentRejected` (nothing saved) when the post is closed, the reply goes nowhere or too deep, or
    the text is empty or too long.
    """
    settings = DiscussionSettings.load()
    body = body.strip()
    _check_comment(
        post, body, parent, settings, author_name=author_name, author_email=author_email, user=user
    )
    candidate = Candidate(
        post=post,
        body=body,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        user=user,
    )
    verdict = moderator().assess(candidate, settings)
    comment = Comment(
        post=post,
        parent=parent,
        kind=Comment.Kind.COMMENT,
        status=verdict.status,
        author_name=author_name.strip(),
        author_email=author_email.strip(),
        author_url=web_address(author_url.strip()),
        user=user if user is not None and user.is_authenticated else None,
        body=body,
        body_html=render_comment(body),
        spam_score=verdict.score,
        moderation_reasons=verdict.reasons,
        client_hash=client_hash,
        notify_followups=notify_followups,
        follow_blog=follow_blog,
    )
    with transaction.atomic():
        comment.save()
        transaction.on_commit(lambda: _announce(comment, new=True))
    return comment


def _check_comment(
    post: Post,
    body: str,
    parent: Comment | None,
    settings: DiscussionSettings,
    *,
    author_name: str,
    author_email: str,
    user: Any,
) -> None:
    if not comments_open(post, settings):
        raise CommentRejected("Comments are closed on this post.")
    if not body:
        raise CommentRejected("Please type a comment.", field="body")
    if len(body) > settings.max_length:
        raise CommentRejected(
            f"Your comment is {len(body):,} characters long; the limit is {settings.max_length:,}.",
            field="body",
        )
    signed_in = user is not None and user.is_authenticated
    if settings.require_name_email and not signed_in:
        if not author_name.strip():
            raise CommentRejected("Please give your name.", field="author_name")
        if not author_email.strip():
            raise CommentRejected("Please give your email address (it is never shown).", field="author_email")
    if parent is not None:
        if parent.post_id != post.pk or parent.status != Status.APPROVED:
            raise CommentRejected("The comment you are replying to is not there any more.", field="parent")
        if depth_of(parent) >= max(1, settings.thread_depth):
            raise CommentRejected(
                f"Replies nest at most {settings.thread_depth} levels deep here; reply higher up the thread.",
                field="parent",
            )


def receive_mention(
    *,
    post: Post,
    kind: str,
    source_url: str,
    body: str,
    author_name: str = "",
    author_url: str = "",
    author_photo: str = "",
    mention_type: str = Comment.MentionType.MENTION,
    created_at: datetime | None = None,
) -> Comment:
    """Record a verified pingback, trackback or webmention; a second one from the same source updates the first.

    A new mention is judged by the moderation policy like a comment; an update keeps the moderator's decision.
    """
    existing = Comment.objects.filter(post=post, source_url=source_url, kind=kind).first()
    fields = {
        "body": body,
        "body_html": render_comment(body),
        "author_name": author_name,
        "author_url": web_address(author_url),
        "author_photo": author_photo,
        "mention_type": mention_type,
    }
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        if existing.status == Status.APPROVED:
            pagecache.invalidate()
        return existing
    candidate = Candidate(
        post=post, body=body, author_name=author_name, author_url=author_url, kind=kind, source_url=source_url
    )
    verdict = moderator().assess(candidate, DiscussionSettings.load())
    comment = Comment(
        post=post,
        kind=kind,
        source_url=source_url,
        status=verdict.status,
        spam_score=verdict.score,
        moderation_reasons=verdict.reasons,
        created_at=created_at or timezone.now(),
        **fields,
    )
    with transaction.atomic():
        comment.save()
        transaction.on_commit(lambda: _announce(comment, new=True))
    return comment


def remove_mention(*, post: Post, source_url: str, kind: str) -> int:
    """The source no longer links here (or is gone): the mention goes too. Returns how many were removed."""
    mentions = list(Comment.objects.filter(post=post, source_url=source_url, kind=kind))
    for mention in mentions:
        delete_comment(mention)
    return len(mentions)


def import_comment(
    *,
    post: Post,
    body: str,
    status: str,
    created_at: datetime,
    kind: str = Comment.Kind.COMMENT,
    parent: Comment | None = None,
    author_name: str = "",
    author_email: str = "",
    author_url: str = "",
    source_url: str = "",
    user: Any = None,
) -> Comment:
    """A comment as it was on another blog: its state and date kept, no policy, no mail, no cache refresh.

    The importer refreshes the cache once when it is done (`pagecache.invalidate()`).
    """
    return Comment.objects.create(
        post=post,
        parent=parent,
        kind=kind,
        status=status,
        author_name=author_name,
        author_email=author_email,
        author_url=web_address(author_url),
        source_url=web_address(source_url),
        user=user,
        body=body,
        body_html=render_comment(body),
        created_at=created_at,
    )


def set_status(comment: Comment, status: str, *, by: Any = None) -> Comment:
    """Moderate: move a comment to pending, approved, spam or trash. Spam and approval teach the classifier."""
    if status not in Status.values:
        raise ValueError(f"Unknown comment status {status!r}.")
    previous = comment.status
    if previous == status:
        return comment
    with transaction.atomic():
        comment.status = status
        _teach_classifier(comment, status)
        comment.save(update_fields=["status", "learned_as", "updated_at"])
        if Status.APPROVED in (previous, status):
            transaction.on_commit(pagecache.invalidate)
        if status == Status.APPROVED:
            transaction.on_commit(lambda: _announce(comment, new=False))
    return comment


def _teach_classifier(comment: Comment, status: str) -> None:
    verdict = {Status.SPAM: "spam", Status.APPROVED: "ham"}.get(Status(status))
    if verdict is None or verdict == comment.learned_as:
        return
    text = f"{comment.author_name} {comment.author_url} {comment.body}"
    if comment.learned_as:
        spam.unlearn(text, spam=comment.learned_as == "spam")
    spam.learn(text, spam=verdict == "spam")
    comment.learned_as = verdict


def approve_comment(comment: Comment, *, by: Any = None) -> Comment:
    return set_status(comment, Status.APPROVED, by=by)


def hold_comment(comment: Comment, *, by: Any = None) -> Comment:
    return set_status(comment, Status.PENDING, by=by)


def spam_comment(comment: Comment, *, by: Any = None) -> Comment:
    return set_status(comment, Status.SPAM, by=by)


def trash_comment(comment: Comment, *, by: Any = None) -> Comment:
    return set_status(comment, Status.TRASH, by=by)


def set_status_of_many(comments: Iterable[Comment], status: str, *, by: Any = None) -> int:
    changed = 0
    for comment in comments:
        if comment.status != status:
            set_status(comment, status, by=by)
            changed += 1
    return changed


def edit_comment(
    comment: Comment,
    *,
    body: str,
    author_name: str | None = None,
    author_url: str | None = None,
    author_email: str | None = None,
    created_at: datetime | None = None,
) -> Comment:
    body = body.strip()
    if not body:
        raise CommentRejected("Please type a comment.", field="body")
    limit = DiscussionSettings.load().max_length
    if len(body) > limit:
        raise CommentRejected(
            f"Your comment is {len(body):,} characters long; the limit is {limit:,}.", field="body"
        )
    comment.body = body
    comment.body_html = render_comment(body)
    if author_name is not None:
        comment.author_name = author_name.strip()
    if author_url is not None:
        comment.author_url = web_address(author_url.strip())
    if author_email is not None:
        comment.author_email = author_email.strip()
    if created_at is not None:
        comment.created_at = created_at
    comment.save()
    if comment.status == Status.APPROVED:
        pagecache.invalidate()
    return comment


COMMENTER_EDIT_WINDOW = timedelta(minutes=15)


def commenter_may_edit(comment: Comment, *, now: datetime | None = None) -> bool:
    """A commenter may fix their own comment for 15 minutes after posting it (not once it is spam or trash)."""
    if comment.kind != Comment.Kind.COMMENT or comment.status not in (Status.PENDING, Status.APPROVED):
        return False
    return (now or timezone.now()) - comment.created_at <= COMMENTER_EDIT_WINDOW


def edit_own_comment(comment: Comment, *, body: str, now: datetime | None = None) -> Comment:
    """The commenter's own edit: within the window, and judged again, so an approved comment cannot be
    turned into spam afterwards (a text that would now be held goes back to the queue)."""
    if not commenter_may_edit(comment, now=now):
        raise CommentRejected("The 15 minutes for editing this comment have passed.", field="body")
    edit_comment(comment, body=body)
    candidate = Candidate(
        post=comment.post,
        body=comment.body,
        author_name=comment.author_name,
        author_email=comment.author_email,
        author_url=comment.author_url,
        user=comment.user,
    )
    verdict = moderator().assess(candidate, DiscussionSettings.load())
    comment.spam_score, comment.moderation_reasons = verdict.score, verdict.reasons
    if comment.status == Status.APPROVED and verdict.status != Status.APPROVED:
        comment.status = Status.PENDING
        comment.moderation_reasons = [*verdict.reasons, "Edited by the commenter after approval."]
        pagecache.invalidate()
    comment.save(update_fields=["status", "spam_score", "moderation_reasons", "updated_at"])
    return comment


def delete_comment(comment: Comment) -> None:
    """Delete for good. Replies move up to the deleted comment's parent, so a thread never loses its branches."""
    was_visible = comment.status == Status.APPROVED
    with transaction.atomic():
        Comment.objects.filter(parent=comment).update(parent=comment.parent_id)
        comment.delete()
    if was_visible:
        pagecache.invalidate()


def can_moderate(user: Any, comment: Comment) -> bool:
    """Editors and administrators moderate every comment; an author, those on their own posts."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    return bool(user.has_perm("comments.moderate_comments") or comment.post.author_id == user.pk)


def moderatable_by(user: Any) -> QuerySet[Comment]:
    comments = Comment.objects.select_related("post")
    if user.has_perm("comments.moderate_comments"):
        return comments
    return comments.filter(post__author=user)


def approved_for(post: Post) -> QuerySet[Comment]:
    return Comment.objects.filter(post=post, status=Status.APPROVED)


def approved_likes(post: Post) -> QuerySet[Comment]:
    """Likes received by Webmention (`u-like-of`), approved: the likes app counts them in the like line."""
    return approved_for(post).filter(mention_type=Comment.MentionType.LIKE)


def thoughts_for(post: Post) -> QuerySet[Comment]:
    """What "N thoughts on …" counts and shows: approved comments and mentions, except likes (the like line's)."""
    return approved_for(post).exclude(mention_type=Comment.MentionType.LIKE)


def count_approved(post: Post) -> int:
    return thoughts_for(post).count()


def latest_approved(*, limit: int, post: Post | None = None) -> list[Comment]:
    """The newest approved thoughts on live, unprotected posts: what comment feeds show."""
    comments = (
        Comment.objects.filter(status=Status.APPROVED)
        .exclude(mention_type=Comment.MentionType.LIKE)
        .select_related("post", "post__author")
    )
    if post is not None:
        comments = comments.filter(post=post)
    else:
        live = Post.objects.live().filter(password="")
        comments = comments.filter(post__in=live)
    return list(comments.order_by("-created_at", "-id")[:limit])


def personal_data(email: str) -> dict[str, Any]:
    """Everything stored about an email address, as the commenter may ask to see it (JSON-ready)."""
    comments = Comment.objects.filter(author_email__iexact=email.strip()).select_related("post")
    return {
        "email": email.strip(),
        "comments": [
            {
                "post": comment.post.title,
                "post_url": comment.post.get_absolute_url(),
                "date": comment.created_at.isoformat(),
                "status": comment.status,
                "name": comment.author_name,
                "website": comment.author_url,
                "comment": comment.body,
                "notify_followups": comment.notify_followups,
                "asked_to_follow_blog": comment.follow_blog,
            }
            for comment in comments
        ],
    }


def erase_personal_data(email: str) -> int:
    """Forget an email address: its comments are deleted (replies move up). Returns how many went."""
    comments = list(Comment.objects.filter(author_email__iexact=email.strip()))
    for comment in comments:
        delete_comment(comment)
    return len(comments)


def forget_client_hashes(*, older_than: timedelta = timedelta(days=30)) -> int:
    """Drop the keyed address hashes kept for rate limits once they are no longer needed."""
    cutoff = timezone.now() - older_than
    return Comment.objects.filter(created_at__lt=cutoff).exclude(client_hash="").update(client_hash="")


def empty_spam_and_trash(*, older_than: timedelta = timedelta(days=30)) -> int:
    cutoff = timezone.now() - older_than
    old = Comment.objects.filter(Q(status=Status.SPAM) | Q(status=Status.TRASH), updated_at__lt=cutoff)
    count = 0
    for comment in old:
        delete_comment(comment)
        count += 1
    return count


def _announce(comment: Comment, *, new: bool) -> None:
    if comment.status == Status.APPROVED:
        pagecache.invalidate()
    for hook in comment_submitted_hooks if new else ():
        hook(comment)
    if comment.status == Status.APPROVED:
        for hook in comment_approved_hooks:
            hook(comment)
