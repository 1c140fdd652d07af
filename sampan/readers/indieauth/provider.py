"""The "indieauth" provider as allauth knows it: a name for the reader's SocialAccount rows and the provider list.

The sign-in itself (discovery, PKCE, the callback) lives in this app's views and ends in
`sampan.readers.services.sign_in_identity`. No client app is registered anywhere (IndieAuth's client id is the
blog's own URL), so the provider uses no allauth SocialApp.
"""

from allauth.socialaccount.providers.base import Provider, ProviderAccount
from django.http import HttpRequest
from django.urls import reverse


class IndieAuthAccount(ProviderAccount):
    def get_profile_url(self) -> str | None:
        return str(self.account.extra_data.get("profile_url") or self.account.uid) or None

    def to_str(self) -> str:
        return str(self.account.extra_data.get("display_name") or self.account.uid)


class IndieAuthProvider(Provider):
    id = "indieauth"
    name = "Your website (IndieAuth)"
    account_class = IndieAuthAccount
    uses_apps = False
    package = "sampan.readers.providers"  # no allauth-made URLs: ours are under /accounts/indieauth/

    def get_login_url(self, request: HttpRequest, **kwargs: object) -> str:
        return reverse("account_login")


provider_classes = [IndieAuthProvider]
