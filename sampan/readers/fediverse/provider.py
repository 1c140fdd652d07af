"""The "fediverse" provider as allauth knows it: a name for the reader's SocialAccount rows and the provider list.

The sign-in itself (app registration per instance, the callback, revoking the token) lives in this app's views
and ends in `sampan.readers.services.sign_in_identity`. Client registrations are per instance and kept by this
app, so the provider uses no allauth SocialApp.
"""

from allauth.socialaccount.providers.base import Provider, ProviderAccount
from django.http import HttpRequest
from django.urls import reverse


class FediverseAccount(ProviderAccount):
    def get_profile_url(self) -> str | None:
        return str(self.account.extra_data.get("profile_url") or "") or None

    def to_str(self) -> str:
        return str(self.account.extra_data.get("display_name") or self.account.uid)


class FediverseProvider(Provider):
    id = "fediverse"
    name = "Fediverse account"
    account_class = FediverseAccount
    uses_apps = False
    package = "sampan.readers.providers"  # no allauth-made URLs: ours are under /accounts/fediverse/

    def get_login_url(self, request: HttpRequest, **kwargs: object) -> str:
        return reverse("account_login")


provider_classes = [FediverseProvider]
