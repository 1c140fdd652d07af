from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "sampan.blog"
    label = "blog"
    verbose_name = "Blog"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from . import roles

        # Setup, not domain logic: keep the role groups' permissions current after each migrate. Once, after
        # the last app's turn: the roles also hold other apps' permissions, made as those apps are handled.
        last_app = list(apps.get_app_configs())[-1]
        post_migrate.connect(roles.ensure_roles, sender=last_app, dispatch_uid="sampan.blog.roles")
