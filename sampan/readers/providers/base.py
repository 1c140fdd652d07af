"""What our own providers (IndieAuth, Fediverse) share as allauth sees them: a name for the reader's SocialAccount
rows and an entry in the provider list. Their sign-ins run in their own apps' views and end in
`sampan.readers.services.sign_in_identity`; neither uses an allauth SocialApp."""

from allauth.socialaccount.providers.base import Provider, ProviderAccount
from django.http import HttpRequest
from django.urls import reverse


class ReaderIdentity(ProviderAccount):
    def get_profile_url(self) -> str | None:
        return str(self.account.extra_data.get("profile_url") or "") or None

    def to_str(self) -> str:
        return str(self.account.extra_data.get("display_name") or self.account.uid)


class ReaderProvider(Provider):
    account_class = ReaderIdentity
    uses_apps = False
    package = "sampan.readers.providers"  # no allauth-made URLs: ours live in each provider app's namespace

    def get_login_url(self, request: HttpRequest, **kwargs: object) -> str:
        return reverse("account_login")
