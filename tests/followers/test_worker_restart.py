"""The real thing: `sampan worker` is killed (SIGKILL) half way through a post's mail, then started again.
A separate site in its own data folder, a real SMTP server.

Every follower gets the post, and nobody gets it twice, except possibly the one message the SMTP server was
answering at the instant of the kill: the server has it, the dead worker never heard its "250" and so never
wrote it down (SMTP's old duplicate problem, RFC 1047). That copy goes again with the same Message-ID, so the
follower's mail program shows it once."""

import asyncio
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.servers import free_port, sampan_env, wait_for

FOLLOWERS = 250
KILL_AFTER = 25

SEED = f"""
import django; django.setup()
from datetime import timedelta
from django.utils import timezone
from sampan.followers.models import Follower, FollowerSettings
FollowerSettings.objects.update_or_create(pk=1, defaults={{"batch_size": 20, "connections": 1}})
since = timezone.now() - timedelta(days=1)
Follower.objects.bulk_create(
    [Follower(email=f"f{{i}}@example.org", status="confirmed", confirmed_at=since) for i in range({FOLLOWERS})]
)
"""

PUBLISH = """
import django; django.setup()
from django.contrib.auth import get_user_model
from sampan.blog import services
from sampan.blog.models import Post
author = get_user_model().objects.create_user("writer", "writer@example.org", "pw")
services.save_post(Post(title="Worth one mail each", body="Words.", author=author, status="publish"))
"""


class SlowServer:
    """Takes a moment over each message (as a real server does), and counts it as it answers 250."""

    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(0.02)
        self.recipients.extend(envelope.rcpt_tos)
        message = message_from_bytes(envelope.content)
        self.message_ids.append(str(message["Message-ID"]))
        return "250 OK"


@pytest.fixture
def site(tmp_path: Path) -> Any:
    port = free_port()
    server = SlowServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    env = sampan_env(
        tmp_path / "data", SAMPAN_EMAIL_URL=f"smtp://127.0.0.1:{port}", SAMPAN_LOG_LEVEL="WARNING"
    )
    subprocess.run([sys.executable, "-m", "sampan.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True)
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "sampan.cli", "worker", "--interval", "0.2"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        workers.append(worker)
        return worker

    yield server, env, start_worker, tmp_path / "data" / "sampan.sqlite3"
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=20)
    controller.stop()


def mailing_finished(database: Path) -> bool:
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT finished_at FROM followers_newpostmailing").fetchone()
    return row is not None and row[0] is not None


def test_a_worker_killed_mid_fan_out_and_restarted_mails_every_follower_exactly_once(site):
    server, env, start_worker, database = site
    worker = start_worker()
    subprocess.run([sys.executable, "-c", PUBLISH], env=env, check=True)
    wait_for(lambda: len(server.recipients) >= KILL_AFTER, "the first mails")
    worker.kill()  # no clean-up, no goodbye: as a crash or an out-of-memory kill
    worker.wait(timeout=20)
    sent_before = len(server.recipients)
    assert KILL_AFTER <= sent_before < FOLLOWERS

    # The dead worker's hold on the mailing runs out (two minutes, here made to have passed).
    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE followers_newpostmailing SET lease_until = NULL, started_at = ?", (long_ago,))

    start_worker()  # its start-up housekeeping takes the mailing up again
    wait_for(lambda: mailing_finished(database), "the rest of the mail")
    everyone = {f"f{i}@example.org" for i in range(FOLLOWERS)}
    assert set(server.recipients) == everyone
    twice = {r for r in server.recipients if server.recipients.count(r) > 1}
    assert len(twice) <= 1, f"more than the one message in flight went twice: {sorted(twice)}"
    assert len(set(server.message_ids)) == FOLLOWERS  # a repeat carries the same Message-ID
