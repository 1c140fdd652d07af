from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sampan.api"
    label = "api"
    verbose_name = "Apps and API"
