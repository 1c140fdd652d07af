"""Background work of the blog. Each task calls a service."""

from django_tasks import task

from . import services


@task()
def publish_due_posts() -> int:
    return len(services.publish_due_posts())
