from django.apps import AppConfig


class LikesConfig(AppConfig):
    name = "sampan.likes"
    label = "likes"
    verbose_name = "Likes"
