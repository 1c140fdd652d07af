"""Background work of the followers app. Each task calls a service.

The housekeeping (forget unconfirmed addresses after 7 days, send weekly digests that are due, take up a
mailing whose worker stopped) keeps itself going like the comments' daily one: each run queues the next, and
`sampan worker` queues one at start.
"""

import logging
import time
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import digest, fanout, followups, services
from .models import Follower

log = logging.getLogger(__name__)

HOUSEKEEPING_EVERY = timedelta(minutes=5)
RETRY_AFTER = timedelta(minutes=1)


@task()
def send_confirmation_mail(follower_id: int) -> bool:
    follower = Follower.objects.filter(pk=follower_id).first()
    return follower is not None and services.send_confirmation(follower)


@task()
def send_new_post_mail(mailing_id: int) -> str:
    try:
        progress = fanout.run_mailing(mailing_id)
    except OSError:  # the mail server is down or unreachable (smtplib's errors are OSErrors too)
        log.exception("Mail about mailing %s stopped; it resumes in a minute", mailing_id)
        if not _later(send_new_post_mail, RETRY_AFTER, mailing_id):
            raise
        return "retry"
    resume_in = timedelta(seconds=progress.resume_in)
    if progress.state == fanout.MORE and not _later(send_new_post_mail, resume_in, mailing_id):
        time.sleep(progress.resume_in)  # a backend that cannot wait (tests' immediate one): wait here
        send_new_post_mail.enqueue(mailing_id)
    return progress.state


@task()
def send_follow_up_mail(comment_id: int) -> int:
    return followups.send_for_comment_id(comment_id)


@task()
def followers_housekeeping() -> dict[str, int]:
    resumed = fanout.unfinished()
    for mailing_id in resumed:
        send_new_post_mail.enqueue(mailing_id)
    result = {
        "unconfirmed_forgotten": services.forget_unconfirmed(),
        "digests_sent": digest.send_due_digests(),
        "mailings_resumed": len(resumed),
    }
    schedule_housekeeping(delay=HOUSEKEEPING_EVERY)
    return result


def _later(a_task, delay: timedelta, *args: object) -> bool:  # type: ignore[no-untyped-def]
    if not a_task.get_backend().supports_defer:
        return False
    a_task.using(run_after=timezone.now() + delay).enqueue(*args)
    return True


def schedule_housekeeping(*, delay: timedelta | None = None) -> None:
    """Queue the housekeeping: now (at worker start) or after `delay` (from the run itself)."""
    if delay is None:
        followers_housekeeping.enqueue()
        return
    if _next_run_waiting():
        return
    _later(followers_housekeeping, delay)


def _next_run_waiting() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return False
    if type(followers_housekeeping.get_backend()).__module__.split(".")[0] != "django_tasks_db":
        return False
    path = followers_housekeeping.module_path
    return DBTaskResult.objects.filter(status="READY", task_path=path).exists()
