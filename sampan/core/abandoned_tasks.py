"""Tasks a killed worker left half-done run again.

django-tasks-db marks a task RUNNING when a worker claims it and nothing else ever looks at it again: if that
worker dies (SIGKILL, power loss), the task would stay RUNNING for ever and never run. `sampan worker` names
itself `<host>:<pid>` and, when it starts, puts back in the queue every RUNNING task claimed by a worker on this
host whose process is gone. Tasks call services that are safe to run again (each records what it did), so a
task is done at least once, never lost. Workers on other hosts are left alone: only they know whether they live.
"""

import os
import socket

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, as someone else
    return False


def requeue_abandoned_tasks() -> int:
    """Put tasks claimed by dead workers of this host back in the queue. Returns how many."""
    host = socket.gethostname()[:40]
    requeued = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        claimed_by = str((result.worker_ids or [""])[-1])
        name, _, pid = claimed_by.rpartition(":")
        if name == host and pid.isdigit() and _gone(int(pid)):
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued += 1
    return requeued
