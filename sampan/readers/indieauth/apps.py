from django.apps import AppConfig


class IndieauthConfig(AppConfig):
    name = "sampan.readers.indieauth"
    label = "indieauth"
    verbose_name = "Sign in with your website (IndieAuth)"
