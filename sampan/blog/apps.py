from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "sampan.blog"
    label = "blog"
    verbose_name = "Blog"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import roles

        # Setup, not domain logic: keep the role groups' permissions current after each migrate.
        # Not only for this app: the roles also hold other apps' permissions, made when those apps migrate.
        post_migrate.connect(roles.ensure_roles, dispatch_uid="sampan.blog.roles")
