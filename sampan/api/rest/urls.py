"""/api/: included by the site's URL map under the namespace the API reverses its own links with.

An address under /api/ that names no resource answers in JSON too (API clients read JSON, not the theme's 404).
"""

from django.http import HttpRequest, JsonResponse
from django.urls import re_path

from .api import api

_patterns, _, app_name = api.urls


def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    return JsonResponse({"detail": "Not Found"}, status=404)


urlpatterns = [*_patterns, re_path(r"^(?P<rest>.*)$", not_found)]
