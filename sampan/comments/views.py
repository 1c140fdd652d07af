"""The comment form's endpoint, and the comment pages of a post (…/slug/comment-page-2/).

A comment that cannot be taken never loses what the reader typed: the post's page is shown again with the
form as it was sent and a message saying what to fix (400, 403 for a post from another site, 429 when the
client sent too many). A comment taken goes back to the post at its anchor (303).
"""

from collections.abc import Callable
from urllib.parse import unquote

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import resolve
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampan.blog import protection
from sampan.blog import services as blog_services
from sampan.blog import views as blog_views
from sampan.blog.models import Post
from sampan.core import pagecache, ratelimit
from sampan.readers import blocking
from sampan.readers import services as reader_services

from . import discussion, guard, held, services
from .forms import FIELD_FOR, CommentForm
from .models import Comment, DiscussionSettings

# Per client (a keyed hash of its address): more than a person types, few enough to make flooding pointless.
POSTS_PER_WINDOW = 10
WINDOW_SECONDS = 300


@csrf_exempt  # a same-origin check and a signed form token instead: see guard.py
@require_POST
def post_comment(request: HttpRequest) -> HttpResponseBase:
    post = _post_for(request)
    settings = DiscussionSettings.load()
    user = request.user if request.user.is_authenticated else None
    ask_name = user is not None and reader_services.needs_display_name(user)
    form = CommentForm(request.POST, settings=settings, signed_in=user is not None, ask_name=ask_name)
    client = ratelimit.client_key(request)
    if not ratelimit.allow("comment", client, limit=POSTS_PER_WINDOW, window=WINDOW_SECONDS):
        minutes = WINDOW_SECONDS // 60
        response = _again(
            request, post, form, f"You have sent many comments in a short time. Please wait {minutes} "
            "minutes and send this one again.", status=429,
        )  # fmt: skip
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    refusal = (
        guard.from_elsewhere(request)
        or guard.honeypot_filled(request)
        or guard.check_token(
            request.POST.get(guard.TOKEN_FIELD, ""), post_id=post.pk, min_seconds=settings.min_seconds
        )
    )
    if refusal is not None:
        return _again(request, post, form, refusal.message, status=refusal.status)
    blocked = blocking.refusal_for_user(user) if user is not None else ""
    if blocked:
        return _again(request, post, form, blocked, status=403)
    if not form.is_valid():
        return _again(request, post, form)
    data = form.cleaned_data
    if ask_name:
        reader_services.set_display_name(user, data["author"])
    signature = reader_services.comment_signature(user) if user else None
    try:
        comment = services.submit_comment(
            post=post,
            body=data["comment"],
            author_name=signature[0] if signature else data["author"],
            author_email=user.email if user else data["email"],  # type: ignore[union-attr]
            author_url=signature[1] if signature else data["url"],
            parent=_parent(post, data.get("comment_parent")),
            user=user,
            client_hash=client,
            notify_followups=data["notify_followups"],
            follow_blog=data["follow_blog"],
        )
    except services.CommentRejected as err:
        field = FIELD_FOR.get(err.field, "")
        return _again(request, post, form, str(err), field=field if field in form.fields else "")
    response = HttpResponseRedirect(discussion.comment_page_url(comment), status=303)
    held.remember_posted(response, comment.pk)
    if comment.status != Comment.Status.APPROVED and user is None:
        held.remember(request, response, comment.pk)
    return response


def _post_for(request: HttpRequest) -> Post:
    raw = request.POST.get("comment_post_ID", "")
    if not (raw.isascii() and raw.isdigit() and int(raw) < 2**63):
        raise Http404("No such post to comment on.")
    post = Post.objects.filter(pk=int(raw)).first()
    reader = request.user if request.user.is_authenticated else None
    if post is None or not blog_services.post_is_visible_to(post, reader):
        raise Http404("No such post to comment on.")
    if post.password and not protection.has_unlocked(request, post):
        raise Http404(
            "No such post to comment on."
        )  # as WordPress: a protected post's comments need its password
    return post


def _parent(post: Post, raw: int | None) -> Comment | None:
    if not raw:
        return None
    parent = Comment.objects.filter(pk=raw, post=post, kind=Comment.Kind.COMMENT).first()
    if parent is None:
        raise services.CommentRejected(
            "The comment you are replying to is not there any more.", field="parent"
        )
    return parent


def _again(
    request: HttpRequest,
    post: Post,
    form: CommentForm,
    message: str = "",
    *,
    field: str = "",
    status: int = 400,
) -> HttpResponse:
    """The post's page again, with the form as it was sent and what went wrong."""
    if message:
        form.is_valid()  # so the message joins the form's own errors rather than replacing them
        form.add_error(field or None, message)
    setattr(request, discussion.FORM_ATTRIBUTE, form)
    setattr(request, discussion.PAGE_ATTRIBUTE, _page_of_parent(post, form))
    where = unquote(post.get_absolute_url())
    match = resolve(where)
    # The blog's view shows the page as a GET of its own address; for everything else this request stays the
    # POST it is (the page cache stores only GETs with status 200, and this answer is neither).
    sent = request.method, request.path, request.path_info
    request.method, request.path, request.path_info = "GET", where, where
    try:
        response = match.func(request, *match.args, **match.kwargs)
    finally:
        request.method, request.path, request.path_info = sent
    response.status_code = status
    return pagecache.mark_uncacheable(response)


def _page_of_parent(post: Post, form: CommentForm) -> int:
    raw = form.data.get("comment_parent", "")
    if not (raw.isascii() and raw.isdigit() and int(raw) < 2**63):
        return 1
    parent = Comment.objects.filter(pk=int(raw), post=post, status=Comment.Status.APPROVED).first()
    return discussion.page_number_of(parent) if parent else 1


def post_comment_page(
    request: HttpRequest, year: str, month: str, day: str, slug: str, number: str
) -> HttpResponseBase:
    return _comment_page(request, number, lambda: blog_views.post_detail(request, year, month, day, slug))


def page_comment_page(request: HttpRequest, path: str, number: str) -> HttpResponseBase:
    return _comment_page(request, number, lambda: blog_views.page_detail(request, path))


def _comment_page(
    request: HttpRequest, number: str, show: Callable[[], HttpResponseBase]
) -> HttpResponseBase:
    if int(number) < 1:
        raise Http404("No such page of comments.")
    if int(number) == 1:
        # The first page of comments is the post's own address.
        return HttpResponseRedirect(request.path.rsplit("comment-page-", 1)[0], status=301)
    setattr(request, discussion.PAGE_ATTRIBUTE, int(number))
    return show()
