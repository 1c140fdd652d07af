"""allauth's pages in the blog's look need the blog's `site` in their context.

allauth puts Django's `RequestSite` (just the host name) into its sign-in pages' context under the name `site`,
which the theme's base template reads for the blog's title, tagline and footer. This puts the blog's own site
settings back, for every allauth page at once, before the page is drawn.

allauth's "continue to your provider" page (a GET of an OpenID Connect provider's sign-in address shows a button
that POSTs there, answered by a redirect to the provider) also gets the widened form-action the sign-in page has.
"""

from collections.abc import Callable

from django.contrib.sites.requests import RequestSite
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from sampan.core import fragments

from .formaction import form_action_update

LEAVING_VIEWS = {"openid_connect_login"}  # allauth's URL names


class BlogSiteInAllauthPages:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name in LEAVING_VIEWS:
            response._csp_update = form_action_update()  # type: ignore[attr-defined]  # read by django-csp
        return response

    def process_template_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        context = getattr(response, "context_data", None)
        if isinstance(context, dict) and isinstance(context.get("site"), RequestSite):
            context["site"] = fragments.site_settings()
        return response
