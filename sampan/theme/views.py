"""Error pages that look like the rest of the blog and never fail themselves; the favicon redirect."""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.templatetags.static import static

log = logging.getLogger(__name__)


def _render(request: HttpRequest, template: str, status: int, context: dict | None = None) -> HttpResponse:
    try:
        body = render_to_string(template, context or {}, request=request)
    except Exception:  # the error page must not become a second error
        log.exception("Could not render %s", template)
        body = render_to_string("theme/plain_error.html", {"status": status})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, "400.html", 400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _render(request, "404.html", 404, {"path": request.path})


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, "500.html", 500)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: point them at the theme's icon, not a 404 page."""
    return HttpResponsePermanentRedirect(static("theme/favicon.svg"))
