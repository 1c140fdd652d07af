"""A task whose worker was killed mid-run goes back in the queue when a worker starts on that host again."""

import socket
import subprocess
import sys

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sampan.core.abandoned_tasks import requeue_abandoned_tasks, worker_id

pytestmark = pytest.mark.django_db


def running_task(claimed_by: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now(),
        args_kwargs={"args": [], "kwargs": {}},
        task_path="sampan.blog.tasks.publish_due_posts",
        worker_ids=[claimed_by],
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )


def a_dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_task_of_a_killed_worker_runs_again_and_live_or_foreign_workers_keep_theirs():
    host = socket.gethostname()[:40]
    abandoned = running_task(f"{host}:{a_dead_pid()}")
    alive = running_task(worker_id())
    elsewhere = running_task(f"other-host:{a_dead_pid()}")
    assert requeue_abandoned_tasks() == 1
    statuses = {r.pk: r.status for r in DBTaskResult.objects.all()}
    assert statuses[abandoned.pk] == TaskResultStatus.READY
    assert statuses[alive.pk] == statuses[elsewhere.pk] == TaskResultStatus.RUNNING
