from django.apps import AppConfig


class FediverseConfig(AppConfig):
    name = "sampan.readers.fediverse"
    label = "fediverse"
    verbose_name = "Sign in with a Fediverse account"
