"""Letting a sign-in form's answer lead to the reader's own server.

The site's CSP says `form-action 'self'`, and browsers apply form-action to the redirects that follow a form's
POST too: a POST to /accounts/indieauth/ answered by a redirect to the reader's authorization server would be
blocked. A page whose forms start such a sign-in (the sign-in page, a start view that answers with a form of its
own) is decorated with `lets_forms_leave`: its form-action also allows https: (and http: when tests let the
outbound fetcher reach loopback fakes). Nothing else is widened, and no other page is.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http.response import HttpResponseBase


def form_action_update() -> dict[str, list[str]]:
    schemes = ["https:", "http:"] if settings.OUTBOUND_ALLOW_LOOPBACK else ["https:"]
    return {"form-action": schemes}


def lets_forms_leave(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For a view function (use `method_decorator` on a class's dispatch)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(*args, **kwargs)
        response._csp_update = form_action_update()  # type: ignore[attr-defined]  # read by django-csp
        return response

    return wrapped
