"""Core's daily housekeeping: forget outbound-ledger rows past their retention period (core/retention.py).

Like the comments' tidying, it keeps itself going: django-tasks has no periodic schedule, so each run queues
the next a day later (`run_after`), and `sampan worker` queues one run at start to catch up after downtime. A
run queues the next only when none is waiting already, so worker restarts do not start a second chain.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from . import retention, services

HOUSEKEEPING_EVERY = timedelta(days=1)


@task()
def forget_old_records() -> dict[str, int]:
    result = {
        "outbound_requests_forgotten": services.forget_outbound_requests(
            older_than=retention.keep_for("outbound_requests")
        )
    }
    schedule_housekeeping(delay=HOUSEKEEPING_EVERY)
    return result


def schedule_housekeeping(*, delay: timedelta | None = None) -> None:
    """Queue the housekeeping: now (at worker start) or after `delay` (from the run itself)."""
    if delay is None:
        forget_old_records.enqueue()
        return
    if not forget_old_records.get_backend().supports_defer or _next_run_waiting():
        return  # the tests' immediate backend cannot wait; or a later run is already queued
    forget_old_records.using(run_after=timezone.now() + delay).enqueue()


def _next_run_waiting() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult, get_date_max
    except ImportError:
        return False
    if type(forget_old_records.get_backend()).__module__.split(".")[0] != "django_tasks_db":
        return False
    # A run queued "for now" is stored with the far-future date that means "no delay": only a deferred one counts.
    waiting = DBTaskResult.objects.filter(status="READY", task_path=forget_old_records.module_path)
    return waiting.filter(run_after__gt=timezone.now()).exclude(run_after=get_date_max()).exists()
