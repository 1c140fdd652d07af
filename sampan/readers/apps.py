from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "sampan.readers"
    label = "readers"
    verbose_name = "Readers"
