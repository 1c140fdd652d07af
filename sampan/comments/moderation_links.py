"""The pages behind the one-click links in the post author's mail: confirm, then approve, spam or trash.

Mail scanners and link previewers open links, so a GET only shows what would happen; the button on that page
sends the POST that does it. The signed link is the authority (no sign-in): it names one comment and one
action, and works for 7 days. The POST must come from the page itself (browser-reported origin), like the
other public forms, so no cookie is needed.
"""

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sampan.core.origin import is_same_origin_post
from sampan.core.pagecache import mark_uncacheable

from . import links, services
from .models import Comment

Status = Comment.Status
STATUS_OF = {"approve": Status.APPROVED, "spam": Status.SPAM, "trash": Status.TRASH}
BUTTON = {
    "approve": "Approve this comment",
    "spam": "Mark this comment as spam",
    "trash": "Move this comment to the trash",
}
DONE = {"approve": "approved", "spam": "marked as spam", "trash": "moved to the trash"}


def refused(request: HttpRequest, *, expired: bool, what: str) -> HttpResponse:
    """An expired (403) or altered (400) signed link: say so plainly, and what to do instead."""
    context = {"expired": expired, "what": what}
    response = TemplateResponse(
        request, "comments/selfservice/link_refused.html", context, status=403 if expired else 400
    )
    return mark_uncacheable(response.render())


def not_same_origin(request: HttpRequest) -> HttpResponse:
    response = TemplateResponse(request, "comments/selfservice/not_same_origin.html", {}, status=403)
    return mark_uncacheable(response.render())


@csrf_exempt  # the signature is the authority and the origin is checked: no cookie needed
@require_http_methods(["GET", "HEAD", "POST"])
def moderate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = links.read_moderation_token(token)
    except links.LinkExpired:
        return refused(request, expired=True, what="moderation")
    except links.LinkInvalid:
        return refused(request, expired=False, what="moderation")
    comment = Comment.objects.select_related("post", "post__author").filter(pk=link.comment_id).first()
    context: dict = {"comment": comment, "action": link.action, "button": BUTTON[link.action]}
    context["queue_url"] = links.queue_url("pending")
    if comment is not None and comment.spam_score is not None:
        context["score"] = f"{comment.spam_score:.0%}"
    if comment is None:
        response = TemplateResponse(request, "comments/moderation_link_gone.html", context, status=404)
        return mark_uncacheable(response.render())
    if request.method == "POST":
        if not is_same_origin_post(request):
            return not_same_origin(request)
        context["was_already"] = comment.status == STATUS_OF[link.action]
        services.set_status(comment, STATUS_OF[link.action], by=comment.post.author)
        context["done"] = DONE[link.action]
        return mark_uncacheable(
            TemplateResponse(request, "comments/moderation_link_done.html", context).render()
        )
    return mark_uncacheable(TemplateResponse(request, "comments/moderation_link.html", context).render())
