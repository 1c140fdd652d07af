from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "sampan.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from sampan.core import retention

        from .models import RetentionSettings

        retention.use_source(RetentionSettings.periods)  # the purge tasks ask core, core asks the owner's row
