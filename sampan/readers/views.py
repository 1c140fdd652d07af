"""The sign-in page, /accounts/login/: every way in the blog offers, on one page in the blog's look.

The email-code part is allauth's login-by-code (this view is its request view with our form and template);
"Your website" and "Fediverse account" post to their own start views; each OpenID Connect provider the owner
added is one button. Wherever the reader came from (`next`, a path on this site) is where they go back to.
"""

from typing import Any

from allauth.account.views import RequestLoginCodeView
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from .formaction import lets_forms_leave
from .services import is_same_site_path

OWN_PROVIDERS = {"indieauth", "fediverse"}  # their forms are on the page; allauth's list shows the others


@method_decorator([never_cache, lets_forms_leave], name="dispatch")
class SignIn(RequestLoginCodeView):
    template_name = "readers/sign_in.html"

    def _redirect_to_pending_stage(self, request: HttpRequest, stage: Any) -> None:
        # allauth sends a reader with a code pending back to the code page; here they may start over instead
        # (another address, another way in): a new request replaces the pending code.
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        raw_next = self.request.POST.get("next") or self.request.GET.get("next") or ""
        context.update(
            next_path=raw_next if is_same_site_path(raw_next) else "",
            indieauth_start=_url_or_empty("indieauth:start"),
            fediverse_start=_url_or_empty("fediverse:start"),
            oidc_providers=[
                provider
                for provider in get_social_adapter().list_providers(self.request)
                if provider.id not in OWN_PROVIDERS
            ],
        )
        return context


def _url_or_empty(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


sign_in = SignIn.as_view()


def no_passwords(request: HttpRequest) -> HttpResponse:
    """allauth's password pages (set, change, reset) are not offered: readers sign in without a password, and the
    blog's writers manage theirs in the admin, behind its lockout and two-step codes."""
    raise Http404("Readers sign in without a password.")
