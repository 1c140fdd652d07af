"""Background work of the comments app. Each task calls a service.

The daily housekeeping (forget the keyed address hashes and empty spam and trash after 30 days) keeps itself
going: django-tasks has no periodic schedule, so each run queues the next one a day later (`run_after`), and
`sampan worker` queues one run at start to catch up after downtime. So that worker restarts do not start a
second chain, a run only queues the next when none is waiting already (asked of the database backend, where the
queue is a table; other backends have no such question and get one chain per worker start, which is harmless:
the work is idempotent and cheap).
"""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from sampan.core import retention

from . import notifications, services
from .models import Comment

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = timedelta(days=1)
KEEP_FOR = timedelta(days=retention.PERIODS["spam_and_trash"][0])  # the default; the owner may choose


@task()
def send_comment_notification(comment_id: int) -> bool:
    comment = Comment.objects.select_related("post", "post__author").filter(pk=comment_id).first()
    if comment is None:
        return False  # deleted (or erased) before the mail went out: nothing to tell
    return notifications.notify_post_author(comment)


@task()
def send_personal_data_link(reference: str | None) -> bool:
    from . import selfservice

    return selfservice.send_personal_data_link(reference)


@task()
def tidy_comments() -> dict[str, int]:
    result = {
        "client_hashes_forgotten": services.forget_client_hashes(
            older_than=retention.keep_for("client_hashes")
        ),
        "spam_and_trash_deleted": services.empty_spam_and_trash(
            older_than=retention.keep_for("spam_and_trash")
        ),
    }
    schedule_tidying(delay=HOUSEKEEPING_EVERY)
    return result


def schedule_tidying(*, delay: timedelta | None = None) -> None:
    """Queue the housekeeping: now (at worker start) or after `delay` (from the run itself)."""
    if delay is None:
        tidy_comments.enqueue()
        return
    backend = tidy_comments.get_backend()
    if not backend.supports_defer:
        return  # e.g. tests' immediate backend: the worker-start run is all there is
    if _next_run_waiting():
        return
    tidy_comments.using(run_after=timezone.now() + delay).enqueue()


def _next_run_waiting() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max
    except ImportError:
        return False
    if type(tidy_comments.get_backend()).__module__.split(".")[0] != "django_tasks_db":
        return False
    # A run queued "for now" is stored with the far-future date that means "no delay": only a deferred one counts.
    waiting = DBTaskResult.objects.filter(status="READY", task_path=tidy_comments.module_path)
    return waiting.filter(run_after__gt=timezone.now()).exclude(run_after=get_date_max()).exists()
