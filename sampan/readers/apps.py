from django.apps import AppConfig


class ReadersConfig(AppConfig):
    name = "sampan.readers"
    label = "readers"
    verbose_name = "Readers"

    def ready(self) -> None:
        from sampan.core import personal_data

        from . import personal

        personal_data.register(personal.SOURCE)  # the owner's site-wide data tool covers reader accounts
