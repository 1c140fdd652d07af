"""The comments app as the blog's discussion provider (see `sampan.blog.discussion`): the "N thoughts on …"
section of a post's page, and the thoughts comment feeds show.

What every reader sees of a public post's thread is the same until something changes, so its HTML is built
once per cache generation (the services invalidate the page cache on every change a reader could see). A
reader whose own held comments must show, or who is replying without JavaScript (`?replytocom=ID`), gets the
thread built for them alone.
"""

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString

from sampan.blog.discussion import Discussion, Thought
from sampan.blog.models import Post
from sampan.core import fragments
from sampan.readers import services as reader_services

from . import guard, held, links, services, threads
from .forms import CommentForm
from .identicons import identicon_svg
from .models import Comment, DiscussionSettings

SECTION_TEMPLATE = "comments/section.html"
THREAD_TEMPLATE = "comments/_thread.html"
# Set on the request by the comment view when it shows the form again with what went wrong.
FORM_ATTRIBUTE = "sampan_comment_form"
# Set by the comment-page routes (…/slug/comment-page-2/).
PAGE_ATTRIBUTE = "sampan_comment_page"


class CommentsDiscussion:
    def for_post(self, post: Post, request: HttpRequest) -> Discussion:
        settings = DiscussionSettings.load()
        is_open = services.comments_open(post, settings)
        form: CommentForm | None = getattr(request, FORM_ATTRIBUTE, None)
        signed_in = bool(request.user.is_authenticated)
        if form is None and is_open:
            form = CommentForm(
                settings=settings,
                signed_in=signed_in,
                ask_name=signed_in and reader_services.needs_display_name(request.user),
                initial={"comment_post_ID": post.pk, "comment_parent": 0},
            )
        own = _own_held(post, request)
        reply_to = _reply_to(request, form)
        number = int(getattr(request, PAGE_ATTRIBUTE, 1))
        context: dict[str, Any] = {
            "post": post,
            "open": is_open,
            "form": form if is_open or (form is not None and form.is_bound) else None,
            "token": guard.make_token(post.pk),
            "action": reverse("comments:post") + "#respond",
            "signed_in_as": _signed_in_as(request.user) if signed_in else "",
            "reader_bar": _reader_bar(request.user, post) if signed_in else None,
            "settings": settings,
            "manage_path": _just_posted(post, request),
        }
        personal = bool(own) or reply_to is not None
        if personal or not post.is_live or post.password:
            thread = _thread(post, settings, is_open, number, own, reply_to, context)
        else:
            key = f"comments:{post.pk}:{number}:{is_open}:{settings.thread_depth}:{settings.paginate}:{settings.per_page}"
            thread = fragments.for_generation(
                key, lambda: _thread(post, settings, is_open, number, (), None, context)
            )
        if number > thread["pages"]:
            raise Http404("No such page of comments.")
        context.update(
            thread=thread["html"], form_in_thread=thread["form_in_thread"], reply_to=thread["reply_to"]
        )
        return Discussion(post=post, count=thread["count"], section_template=SECTION_TEMPLATE, extra=context)

    def latest(self, *, limit: int, post: Post | None = None) -> Sequence[Thought]:
        return [_thought(comment) for comment in services.latest_approved(limit=limit, post=post)]


def _own_held(post: Post, request: HttpRequest) -> list[Comment]:
    """The reader's own comments on this post that are not public yet (held, or judged spam: its author is
    told no more than "awaiting moderation")."""
    ids = held.held_ids(request)
    user = request.user if request.user.is_authenticated else None
    if not ids and user is None:
        return []
    waiting = Comment.objects.filter(
        post=post, status__in=[Comment.Status.PENDING, Comment.Status.SPAM], kind=Comment.Kind.COMMENT
    )
    mine = list(waiting.filter(pk__in=ids)) if ids else []
    if user is not None:
        mine += list(waiting.filter(user=user).exclude(pk__in=ids))
    return mine


def _reply_to(request: HttpRequest, form: CommentForm | None) -> int | None:
    """Which comment the form answers: the one it was sent for, or WordPress's ?replytocom=ID (no JavaScript)."""
    raw = form.data.get("comment_parent", "") if form is not None and form.is_bound else ""
    raw = raw or request.GET.get("replytocom", "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**63 else None


def _thread(
    post: Post,
    settings: DiscussionSettings,
    is_open: bool,
    number: int,
    own: Sequence[Comment],
    reply_to: int | None,
    context: dict[str, Any],
) -> dict[str, Any]:
    # Likes received by Webmention show in the like line, not as thoughts.
    approved = list(services.thoughts_for(post).select_related("user__reader"))
    tree = threads.build_tree(
        [*approved, *own], max_depth=settings.thread_depth, replies_open=is_open, held_ids=[c.pk for c in own]
    )
    pages = threads.page_count(len(tree), settings)
    shown = threads.page_of(tree, settings, number)
    target = threads.find(shown, reply_to) if reply_to else None
    if target is not None and not target.can_reply:
        target = None
    base = post.get_absolute_url()
    html: SafeString = SafeString(
        render_to_string(
            THREAD_TEMPLATE,
            {
                **context,
                "nodes": shown,
                "reply_to": target.comment if target else None,
                "newer_url": f"{base}comment-page-{number + 1}/#comments" if number < pages else "",
                "older_url": (f"{base}comment-page-{number - 1}/" if number > 2 else base) + "#comments"
                if number > 1
                else "",
            },
        )
    )
    return {
        "html": html,
        "count": len(approved),
        "pages": pages,
        "form_in_thread": target is not None,
        "reply_to": target.comment if target else None,
    }


def display_name(user: Any) -> str:
    """How a signed-in person's comments are signed: a reader's display name, else their full or user name."""
    return reader_services.comment_signature(user)[0]


def _signed_in_as(user: Any) -> str:
    # Only the person themselves sees this line, so a reader who has no name yet sees their address.
    if reader_services.needs_display_name(user):
        return str(user.email or display_name(user))
    return display_name(user)


def _reader_bar(user: Any, post: Post) -> dict[str, Any]:
    """What the form shows a signed-in person instead of the name and email fields: who they are, their
    picture (their local avatar, else the identicon their comments get), and the ways out and to their account."""
    reader = reader_services.reader_of(user)
    back = quote(f"{post.get_absolute_url()}#respond")
    return {
        "avatar_url": reader.avatar.url if reader is not None and reader.avatar else "",
        "identicon": identicon_svg(user.email or display_name(user), size=32),
        "sign_out_url": f"{reverse('account_logout')}?next={back}",
        "account_url": reverse("reader_account:home") if reader is not None else "",
    }


def page_number_of(comment: Comment) -> int:
    """The comment page that shows `comment` (held ones included, as their author sees the thread)."""
    settings = DiscussionSettings.load()
    if not settings.paginate:
        return 1
    approved = [c for c in services.approved_for(comment.post) if c.pk != comment.pk]
    tree = threads.build_tree([*approved, comment], max_depth=settings.thread_depth, replies_open=False)
    return threads.page_holding(comment, tree, settings)


def comment_page_url(comment: Comment) -> str:
    """Where a comment is shown: its post, on the comment page holding it, at its anchor."""
    number = page_number_of(comment)
    page = f"comment-page-{number}/" if number > 1 else ""
    return f"{comment.post.get_absolute_url()}{page}#comment-{comment.pk}"


def _just_posted(post: Post, request: HttpRequest) -> str:
    """The commenter's private manage link, on the first page of this post they see after posting (else "")."""
    comment_id = held.posted_id(request)
    if comment_id is None or not Comment.objects.filter(pk=comment_id, post=post).exists():
        return ""
    setattr(request, held.SHOWN_ATTRIBUTE, True)
    return reverse("comment_links:manage", args=[links.manage_token(comment_id)])


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
