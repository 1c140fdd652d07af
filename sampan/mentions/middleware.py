"""Every HTML page says where it takes mentions: `Link: <…/webmention/>; rel="webmention"` (Webmention §3.1.2)
and `X-Pingback: …/xmlrpc.php` (Pingback 1.0 §2.3). The page cache keeps a page's headers as they went out, so
cached pages say it too. The same two addresses are in the page's head (theme/base.html).

A deleted post whose links were told of it answers `410 Gone` instead of 404, so the pages it mentioned can tell
"gone for good" from "not found for now" (Webmention §3.2.4) when they check again."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import SentMention


class MentionEndpoints:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.link = f'<{settings.SITE_URL}/webmention/>; rel="webmention"'
        self.pingback = f"{settings.SITE_URL}/xmlrpc.php"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD") and _deleted_post(request.path):
            response = render(request, "mentions/gone.html", status=410)
        if response.get("Content-Type", "").startswith("text/html") and response.status_code < 400:
            existing = response.get("Link")
            response["Link"] = f"{existing}, {self.link}" if existing else self.link
            response["X-Pingback"] = self.pingback
        return response


def _deleted_post(path: str) -> bool:
    """A post that sent mentions from this address was deleted (its records outlive it, without the post)."""
    return SentMention.objects.filter(source=settings.SITE_URL + path, post__isnull=True).exists()
