"""Refuse requests no page could answer before they reach a view, so bad input gets a 400, never a 500."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape

log = logging.getLogger(__name__)

MAX_QUERY_STRING = 4096
MAX_PATH = 2048
API_PREFIX = "/api/"


class BadRequestGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = self.problem_with(request)
        if problem and request.path.startswith(API_PREFIX):
            return JsonResponse({"message": problem}, status=400)  # API clients read JSON, not our 400 page
        if problem:
            body: str
            try:
                body = render_to_string("400.html", {"reason": problem}, request=request)
            except Exception:  # the error page must not become a 500 of its own
                log.exception("Could not render the bad-request page for %r", request.path[:200])
                body = (
                    f"<!doctype html><title>Bad request</title><h1>Bad request</h1><p>{escape(problem)}</p>"
                )
            return HttpResponse(body, status=400)
        return self.get_response(request)

    @staticmethod
    def problem_with(request: HttpRequest) -> str:
        query = request.META.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY_STRING:
            return "The address is too long."
        if len(request.path) > MAX_PATH:
            return "The address is too long."
        if "\x00" in request.path or "\x00" in query:
            return "The address holds characters no page uses."
        try:
            for key, values in request.GET.lists():
                for text in (key, *values):
                    text.encode("utf-8")
                    if "\x00" in text:  # %00: no page reads it, and PostgreSQL refuses it in text
                        return "The address holds characters no page uses."
        except UnicodeError:
            return "The address is not valid text."
        return ""
