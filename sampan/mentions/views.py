"""The mention endpoints other sites call: Webmention (and its status pages) and Trackback. Pingback lives with
the other XML-RPC methods (`sampan.api.xmlrpc.pingback`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sampan.core import pagecache, ratelimit

from . import receiving
from .models import ReceivedMention
from .targets import MentionRefused

TEXT = "text/plain; charset=utf-8"


def _text(message: str, status: int) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type=TEXT)
    if status == 429:
        response["Retry-After"] = "60"
    return response


@csrf_exempt  # other sites post here by design; nothing here acts for a signed-in user
@require_http_methods(["GET", "HEAD", "POST"])
def webmention(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _text("This is the Webmention endpoint: POST source and target (form-encoded).", 200)
    try:
        received = receiving.accept_mention(
            protocol=ReceivedMention.Protocol.WEBMENTION,
            source=request.POST.get("source", ""),
            target=request.POST.get("target", ""),
            client=ratelimit.client_key(request),
        )
    except MentionRefused as refused:
        return _text(str(refused), refused.http_status)
    from .tasks import verify_webmention

    transaction.on_commit(lambda: verify_webmention.enqueue(received.pk))
    status_url = settings.SITE_URL + reverse("mentions:status", args=[received.token])
    response = _text(f"Accepted; verification is pending. Status: {status_url}", 202)
    response["Location"] = status_url
    return response


@require_http_methods(["GET", "HEAD"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    received = get_object_or_404(ReceivedMention, token=token)
    # It changes when the worker is done, without anything readers see changing: never from the page cache.
    return pagecache.mark_uncacheable(render(request, "mentions/status.html", {"received": received}))


@csrf_exempt  # the Trackback protocol posts from other servers
@require_http_methods(["POST"])
def trackback(request: HttpRequest, **_: str) -> HttpResponse:
    target = request.build_absolute_uri(request.path.removesuffix("trackback/"))
    try:
        received = receiving.accept_mention(
            protocol=ReceivedMention.Protocol.TRACKBACK,
            source=request.POST.get("url", ""),
            target=_site_address(target),
            client=ratelimit.client_key(request),
            title=request.POST.get("title", ""),
            excerpt=request.POST.get("excerpt", ""),
            blog_name=request.POST.get("blog_name", ""),
        )
    except MentionRefused as refused:
        return _trackback_answer(str(refused))
    receiving.verify_mention(received)
    if received.status != ReceivedMention.Status.ACCEPTED:
        return _trackback_answer(received.message)
    return _trackback_answer("")


def _site_address(absolute: str) -> str:
    """Our post's address as the site calls itself (the request may have come in by another host name)."""
    return settings.SITE_URL + urlsplit(absolute).path


def _trackback_answer(error: str) -> HttpResponse:
    """The Trackback spec's answer: <error>0</error>, or <error>1</error> with a message."""
    inner = f"<error>1</error>\n<message>{escape(error)}</message>" if error else "<error>0</error>"
    body = f'<?xml version="1.0" encoding="utf-8"?>\n<response>\n{inner}\n</response>\n'
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
