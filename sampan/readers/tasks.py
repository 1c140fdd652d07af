"""Background work of readers: fetching a signed-in reader's avatar, so signing in never waits on their server.

tasks.fetch_reader_avatar.enqueue(reader.pk, avatar_url)
"""

from django.apps import apps
from django_tasks import task

from . import avatars


@task()
def fetch_reader_avatar(reader_id: int, url: str) -> bool:
    reader = apps.get_model("readers", "Reader").objects.filter(pk=reader_id).first()
    if reader is None:  # the reader deleted their account before the worker got to it
        return False
    return avatars.fetch_avatar(reader, url)
