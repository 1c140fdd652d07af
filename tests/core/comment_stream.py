"""A reader who keeps commenting: real same-origin form posts to a running `sampan serve`, each answer noted.

Shared by the backup test (tests/core/test_backup.py) and the crash-safety tests (tests/test_crash_safety.py).
The comment form allows a client ten comments in five minutes, so the stream speaks from a new loopback address
every few comments (all of 127.0.0.0/8 is this machine), as many readers would.
"""

import http.client
import re
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

from tests.servers import free_port, sampan_env

PER_ADDRESS = 9  # under the form's limit of ten in five minutes
READER = "reader@example.org"

SEED = f"""
from django.contrib.auth import get_user_model
from sampan.blog import services
from sampan.blog.models import Post
from sampan.comments.models import Comment, DiscussionSettings
DiscussionSettings.objects.update_or_create(pk=1, defaults={{"min_seconds": 0, "notify_author": NOTIFY}})
author = get_user_model().objects.create_user("writer", "writer@example.org", "pw")
post = Post(title="Talk to me", body="Words worth a reply.", author=author, status="publish")
services.save_post(post)
# An approved comment makes the reader a known commenter, so the stream's comments show at once.
Comment.objects.create(post=post, author_name="Reader", author_email="{READER}", body="First!",
                       body_html="<p>First!</p>", status=Comment.Status.APPROVED)
print(post.get_absolute_url())
"""


def site_env(data_dir: Path, port: int) -> dict[str, str]:
    return sampan_env(data_dir, SAMPAN_SITE_URL=f"http://127.0.0.1:{port}", SAMPAN_LOG_LEVEL="WARNING")


def sampan(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "sampan.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def seed_site(data_dir: Path, *, notify_author: bool = False) -> tuple[dict[str, str], int, str]:
    """A migrated site with one published post open for comments: its environment, port and post path.
    With `notify_author`, each comment queues a mail to the post's author (a task for the worker)."""
    port = free_port()
    env = site_env(data_dir, port)
    sampan(env, "migrate", "-v0")
    seed = SEED.replace("NOTIFY", str(notify_author))
    path = sampan(env, "shell", "-v0", "-c", seed).stdout.strip().splitlines()[-1]
    return env, port, path


@dataclass
class CommentStream:
    port: int
    post_path: str
    acknowledged: list[tuple[float, int, str]] = field(default_factory=list)  # (when, comment id, text)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "CommentStream":
        page = urlopen(f"http://127.0.0.1:{self.port}{self.post_path}", timeout=30).read().decode()
        self.token = _hidden(page, "sampan_form")
        self.post_id = _hidden(page, "comment_post_ID")
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(timeout=60)

    def acknowledged_ids(self, before: float = float("inf")) -> set[int]:
        return {cid for when, cid, _ in self.acknowledged if when < before}

    def _run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            slot = number // PER_ADDRESS
            source = f"127.1.{slot // 250}.{slot % 250 + 1}"
            text = f"Comment number {number} in the stream."
            try:
                status, location = self._post(source, text)
            except OSError as error:  # the server was killed, or is going
                self.failures.append(f"{number}: {error}")
                continue
            if status == 303 and "#comment-" in location:
                self.acknowledged.append((time.monotonic(), int(location.rsplit("-", 1)[1]), text))
            else:
                self.failures.append(f"{number}: HTTP {status}")

    def _post(self, source: str, text: str) -> tuple[int, str]:
        origin = f"http://127.0.0.1:{self.port}"
        body = urlencode({
            "comment": text, "author": "Reader", "email": READER, "url": "",
            "comment_post_ID": self.post_id, "comment_parent": "", "sampan_form": self.token,
            "sampan_homepage": "",
        })  # fmt: skip
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(
                "POST", "/comments/post/", body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded", "Origin": origin,
                    "Referer": origin + self.post_path, "Sec-Fetch-Site": "same-origin",
                },
            )  # fmt: skip
            response = connection.getresponse()
            response.read()
            return response.status, response.getheader("Location", "")
        finally:
            connection.close()


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    assert found, f"the post page has no {name} field"
    return found[1]


def comment_ids_in(database: Path) -> set[int]:
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("SELECT id FROM comments_comment")}


def comments_on_page(page: str) -> dict[int, str]:
    """Each comment shown on a post page: its id and its whole rendered article (author, time, text)."""
    return {
        int(found[1]): found[0]
        for found in re.finditer(r'<article id="div-comment-(\d+)".*?</article>', page, re.DOTALL)
    }
