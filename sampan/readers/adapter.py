"""allauth, fitted to the blog: readers only (never a staff session), same-site redirects only, the blog's own
plain-text mails.

New readers come in through the one email-code form (forms.EmailCodeForm makes their account), so allauth's
separate sign-up page stays closed; outside identities get their account in `services.sign_in_identity`.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from sampan.core import fragments, ratelimit

from . import services
from .oidc import OpenIDConnectAdapterMixin

QUIET_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class ReaderAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        if services.is_staff(user):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return services.refused(request, services.STAFF_REFUSED)
        return super().pre_login(request, user, **kwargs)

    def is_safe_url(self, url: str | None) -> bool:
        return bool(url) and services.is_same_site_path(str(url))

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth names clients in its rate-limit counters by this; ours is a keyed hash, never the address.
        return ratelimit.client_key(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("blog:home")

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        return reverse("blog:home")

    def add_message(
        self, request: HttpRequest, level: int, message_template: str | None = None, *args: Any, **kwargs: Any
    ) -> None:
        # "Signed in"/"signed out" would wait in a cookie for a page that shows messages (the blog's pages do not).
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = fragments.site_settings()
        context = {**context, "site_title": site.title, "site_url": settings.SITE_URL}
        if template_prefix == "account/email/unknown_account" and _is_staff_address(email):
            # A writer's address: say where writers sign in, rather than "no such account".
            template_prefix = "readers/email/writer_address"
        super().send_mail(template_prefix, email, context)


# The mixin first: OpenID Connect sign-ins end in services.sign_in_identity, its requests go through the fetcher.
class ReaderSocialAdapter(OpenIDConnectAdapterMixin, DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # an outside identity the owner has not blocked may become a reader

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing and services.is_staff(sociallogin.user):
            raise ImmediateHttpResponse(services.refused(request, services.STAFF_REFUSED))
        super().pre_social_login(request, sociallogin)  # OpenID Connect: on to sign_in_identity


def _is_staff_address(email: str) -> bool:
    users = get_user_model().objects.filter(email__iexact=email, is_active=True)
    return any(services.is_staff(user) for user in users)
