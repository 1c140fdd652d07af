"""The "fediverse" provider as allauth knows it. The sign-in itself (app registration per instance, the callback,
revoking the token) lives in this app's views; client registrations are per instance and kept by this app."""

from sampan.readers.providers.base import ReaderProvider


class FediverseProvider(ReaderProvider):
    id = "fediverse"
    name = "Fediverse account"


provider_classes = [FediverseProvider]
