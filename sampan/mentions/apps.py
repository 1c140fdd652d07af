from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "sampan.mentions"
    label = "mentions"
    verbose_name = "Mentions"
