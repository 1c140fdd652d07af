from django.apps import AppConfig


class PortingConfig(AppConfig):
    name = "sampan.porting"
    verbose_name = "Moving in and out (WordPress)"
    default_auto_field = "django.db.models.BigAutoField"
