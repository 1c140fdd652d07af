from django.apps import AppConfig


class ThemeConfig(AppConfig):
    name = "sampan.theme"
    label = "theme"
    verbose_name = "Theme"
