"""The "indieauth" provider as allauth knows it. The sign-in itself (discovery, PKCE, the callback) lives in this
app's views; no client app is registered anywhere (IndieAuth's client id is the blog's own URL)."""

from sampan.readers.providers.base import ReaderIdentity, ReaderProvider


class IndieAuthIdentity(ReaderIdentity):
    def get_profile_url(self) -> str | None:
        return super().get_profile_url() or str(self.account.uid) or None  # the subject is the profile URL


class IndieAuthProvider(ReaderProvider):
    id = "indieauth"
    name = "Your website (IndieAuth)"
    account_class = IndieAuthIdentity


provider_classes = [IndieAuthProvider]
