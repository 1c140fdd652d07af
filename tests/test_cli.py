import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from sampan.blog.models import Post
from sampan.cli import main
from tests.factories import make_post, make_user
from tests.servers import free_port, sampan_env, start_serve, wait_for

pytestmark = pytest.mark.django_db


def test_help_explains_each_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("serve", "worker", "demo", "createadmin", "migrate"):
        assert command in out


def test_demo_seeds_an_empty_site_with_posts_over_several_months(capsys):
    assert main(["demo"]) == 0
    posts = Post.objects.posts().live()
    months = {(p.published_at.year, p.published_at.month) for p in posts}
    assert posts.count() >= 10
    assert len(months) >= 3
    assert Post.objects.pages().filter(parent__isnull=False).exists()
    assert Post.objects.filter(status=Post.Status.SCHEDULED).exists()
    assert posts.filter(sticky=True).exists()
    assert "seeded" in capsys.readouterr().out


def test_demo_has_threaded_comments_and_a_pingback():
    from sampan.comments.models import Comment

    main(["demo"])
    approved = Comment.objects.filter(status=Comment.Status.APPROVED)
    assert approved.filter(parent__parent__isnull=False).exists()  # a reply to a reply
    assert approved.filter(kind=Comment.Kind.PINGBACK).exclude(source_url="").exists()


def test_demo_has_likes_with_and_without_names():
    from sampan.likes.models import Like

    main(["demo"])
    assert Like.objects.filter(name="").exists() and Like.objects.exclude(name="").exists()


def test_demo_leaves_a_site_with_content_alone_and_exits_zero(capsys):
    make_post("Mine")
    assert main(["demo"]) == 0
    assert Post.objects.count() == 1
    assert "already has" in capsys.readouterr().out


def test_demo_posts_go_to_the_first_administrator_and_change_no_user():
    admin = make_user("owner", role="Administrator")
    before = list(get_user_model().objects.values_list("pk", "username", "password", "is_superuser"))
    main(["demo"])
    after = list(get_user_model().objects.values_list("pk", "username", "password", "is_superuser"))
    assert before == after
    assert set(Post.objects.values_list("author", flat=True)) == {admin.pk}


@pytest.mark.server
def test_serve_starts_from_nothing_answers_and_stops_cleanly_on_sigterm(tmp_path: Path):
    port = free_port()
    server = start_serve(sampan_env(tmp_path / "data"), port)
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).read().decode()
        assert "Nothing here yet" in body  # migrated, never seeded
        # Static files were collected: the admin's pages (which name every stylesheet and script) render.
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=30).status == 200
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body)
        assert stylesheet is not None
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}{stylesheet[1]}", timeout=30).status == 200
        assert (tmp_path / "data" / "secret_key").exists()
        assert (tmp_path / "data" / "sampan.sqlite3").exists()
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code == 0


def test_static_files_are_collected_again_when_one_changes(settings, tmp_path):
    from sampan.cli import static_fingerprint

    theme_dir = tmp_path / "extra-static"
    theme_dir.mkdir()
    (theme_dir / "extra.css").write_text("body { color: black }")
    settings.STATICFILES_DIRS = [str(theme_dir)]
    before = static_fingerprint()
    assert static_fingerprint() == before  # nothing changed: a restart does not collect again
    (theme_dir / "new.js").write_text("// a file an upgrade added")
    assert static_fingerprint() != before


def _sampan(env: dict, *args: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sampan.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.server
def test_the_worker_publishes_scheduled_posts_when_their_time_comes(tmp_path: Path):
    env = {
        **os.environ,
        "SAMPAN_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "sampan.settings",
    }
    env.pop("DATABASE_URL", None)
    _sampan(env, "migrate", "--noinput")
    # One post was due while no worker ran; another falls due a few seconds after the worker starts.
    _sampan(env, "shell", "-v", "0", "-c", SCHEDULE_TWO_POSTS)
    worker = subprocess.Popen([sys.executable, "-m", "sampan.cli", "worker", "--interval", "0.2"], env=env)
    try:
        status = ""
        for _ in range(60):  # each check is a fresh process reading the database the worker writes
            status = _sampan(env, "shell", "-v", "0", "-c", READ_STATUSES).strip()
            if status == "publish publish":
                break
        assert status == "publish publish"
    finally:
        worker.terminate()
        worker.wait(timeout=30)


SCHEDULE_TWO_POSTS = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from sampan.blog import services
from sampan.blog.models import Post
author = get_user_model().objects.create_user("ana")
Post.objects.create(title="Missed", slug="missed", author=author, status="future",
                    published_at=timezone.now() - timedelta(minutes=5))
services.save_post(Post(title="Soon", author=author, status="future",
                        published_at=timezone.now() + timedelta(seconds=3)))
"""
READ_STATUSES = """
from sampan.blog.models import Post
print(" ".join(Post.objects.order_by("title").values_list("status", flat=True)))
"""


def test_createadmin_asks_again_until_the_answers_are_usable(monkeypatch, capsys):
    make_user("taken")
    answers = iter(["taken", "owner", "not-an-email", "owner@example.org"])
    passwords = iter(
        ["short", "short", "a-long-river-walk", "a-different-one", "a-long-river-walk", "a-long-river-walk"]
    )
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    assert main(["createadmin"]) == 0
    owner = get_user_model().objects.get(username="owner")
    assert owner.is_superuser
    assert owner.email == "owner@example.org"
    assert owner.check_password("a-long-river-walk")
    assert owner.groups.filter(name="Administrator").exists()
    out = capsys.readouterr().out
    assert "taken" in out
    assert "differ" in out


def test_createadmin_without_answers_exits_non_zero_and_creates_nobody(monkeypatch, capsys):
    def no_more_input(prompt=""):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_more_input)
    before = get_user_model().objects.count()
    assert main(["createadmin"]) == 1
    assert get_user_model().objects.count() == before
    assert "no administrator created" in capsys.readouterr().err


def test_app_password_prints_only_a_working_password(capsys):
    from sampan.api.passwords import authenticate

    ana = make_user("ana", role="Author")
    assert main(["app-password", "ana", "--label", "deploy script"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1
    password = printed.strip()
    assert " " not in password
    assert authenticate(username="ana", password=password) == ana
    assert ana.app_passwords.get().label == "deploy script"


def test_app_password_for_an_unknown_or_non_writing_user_fails_with_one_line(capsys):
    make_user("reader")
    assert main(["app-password", "nobody"]) == 1
    assert main(["app-password", "reader"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert "nobody" in err[0]
    assert "writing role" in err[1]


@pytest.mark.django_db
def test_a_start_forgets_pages_cached_by_older_code():
    from sampan.cli import prepare
    from sampan.core import pagecache

    before = pagecache.current_generation()
    prepare()
    assert pagecache.current_generation() != before


def _worker_pids(parent: int) -> set[int]:
    """The `sampan worker` children of process `parent`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while we looked
        if ppid == parent and b"worker" in argv and b"sampan.cli" in argv:
            found.add(int(entry.name))
    return found


@pytest.mark.server
def test_a_background_worker_that_dies_is_started_again_and_the_site_stays_up(tmp_path: Path):
    port = free_port()
    server = start_serve(sampan_env(tmp_path / "data"), port)
    try:
        wait_for(lambda: len(_worker_pids(server.pid)) == 1, "the embedded worker to start")
        (first,) = _worker_pids(server.pid)
        os.kill(first, signal.SIGKILL)  # as a crash on a database error it could not ride out would end it
        wait_for(lambda: _worker_pids(server.pid) - {first}, "a new worker to start")
        assert server.poll() is None
        assert urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30).status == 200
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code == 0
