"""Crash safety, for real: processes killed with SIGKILL (no clean-up, as a power cut or the OOM killer) while
they write, then started again. After the restart no acknowledged write is missing and nothing is half-applied.

- The server, killed while readers comment: every comment it answered is there and shown; the database is whole.
- `sampan import-wxr`, killed mid-file: running it again finishes the job, and the site equals a clean import.
- The worker, killed half way through a post's mail to followers: tests/followers/test_worker_restart.py.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from email import message_from_string
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.core.comment_stream import CommentStream, comments_on_page, sampan, seed_site, site_env
from tests.servers import free_port, wait_for

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(ON_POSTGRES, reason="these sites are SQLite sites: the SQLite run covers them"),
]


def start_serve_alone(env: dict[str, str], port: int) -> subprocess.Popen:
    """`sampan serve` in a process group of its own, so one SIGKILL takes the server, its workers and the task
    worker at once, as a crash of the machine's service would."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sampan.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if "serving" in line:
            break
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process


def kill_group(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def outbox_text(data_dir: Path) -> str:
    """Every text part of every mail the site wrote to its outbox folder (the default mail setting)."""
    texts = []
    for path in sorted((data_dir / "outbox").glob("*")):
        for raw in path.read_text(errors="replace").split("-" * 79):
            for part in message_from_string(raw.strip()).walk():
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    texts.append(payload.decode(errors="replace"))
    return "\n".join(texts)


def test_a_server_killed_while_readers_comment_has_every_answered_comment_after_restart(tmp_path: Path):
    env, port, post_path = seed_site(tmp_path / "site", notify_author=True)
    server = start_serve_alone(env, port)
    stream = CommentStream(port, post_path)
    try:
        stream.start()
        wait_for(lambda: len(stream.acknowledged) >= 30, "answered comments")
        kill_group(server)  # mid-stream: requests in flight die with it
        failures_at_kill = len(stream.failures)
        wait_for(lambda: len(stream.failures) > failures_at_kill, "the stream to meet the dead server")
    finally:
        stream.finish()
        if server.poll() is None:
            kill_group(server)
    database = tmp_path / "site" / "sampan.sqlite3"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT id, body, body_html, status FROM comments_comment").fetchall()
    bodies = [body for _, body, _, _ in rows]
    assert len(bodies) == len(set(bodies)), "a comment was stored twice"
    assert all(html and status for _, _, html, status in rows), "a comment was stored half"

    restarted_port = free_port()
    restarted = start_serve_alone(site_env(tmp_path / "site", restarted_port), restarted_port)
    try:
        page = urlopen(f"http://127.0.0.1:{restarted_port}{post_path}", timeout=30).read().decode()
        # The mail to the post's author that each answered comment queued goes out after the restart, too:
        # queued tasks are in the database, and the restarted worker takes them up.
        wait_for(
            lambda: all(text in outbox_text(tmp_path / "site") for _, _, text in stream.acknowledged),
            "the author's mail about every answered comment",
        )
    finally:
        stop_group(restarted)
    shown = comments_on_page(page)
    for _, comment_id, text in stream.acknowledged:
        assert comment_id in shown and text in shown[comment_id], f"answered comment {comment_id} is missing"


ITEMS = 3000

ITEM = """<item><title>Crossing number {n}</title><link>http://old.example.org/?p={n}</link>
<dc:creator>alice</dc:creator><guid isPermaLink="false">http://old.example.org/?p={n}</guid>
<content:encoded><![CDATA[<p>Day {n} on the river.</p>]]></content:encoded>
<wp:post_id>{n}</wp:post_id><wp:post_date>{date}</wp:post_date><wp:post_date_gmt>{date}</wp:post_date_gmt>
<wp:comment_status>open</wp:comment_status><wp:post_name>crossing-{n}</wp:post_name><wp:status>publish</wp:status>
<wp:post_parent>0</wp:post_parent><wp:post_type>post</wp:post_type>
<category domain="category" nicename="leg-{leg}"><![CDATA[Leg {leg}]]></category>
<category domain="post_tag" nicename="tide-{tide}"><![CDATA[Tide {tide}]]></category>
<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_author>Reader {n}</wp:comment_author>
<wp:comment_author_email>reader{n}@example.net</wp:comment_author_email><wp:comment_date>{date}</wp:comment_date>
<wp:comment_date_gmt>{date}</wp:comment_date_gmt><wp:comment_content>Safe travels, number {n}.</wp:comment_content>
<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>
<wp:comment_parent>0</wp:comment_parent></wp:comment></item>
"""


def write_wxr(path: Path) -> None:
    items = "".join(
        ITEM.format(
            n=n,
            leg=n % 7,
            tide=n % 13,
            date=f"20{10 + n % 12}-{1 + n % 12:02d}-{1 + n % 28:02d} 10:{n % 60:02d}:00",
        )
        for n in range(1, ITEMS + 1)
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
        "<title>Old river blog</title><link>http://old.example.org</link><wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>http://old.example.org</wp:base_site_url>"
        "<wp:author><wp:author_id>1</wp:author_id><wp:author_login>alice</wp:author_login>"
        "<wp:author_email>alice@example.org</wp:author_email><wp:author_display_name>Alice</wp:author_display_name>"
        f"</wp:author>{items}</channel></rss>\n"
    )


CONTENT = {
    "posts": "SELECT slug, title, status, published_at, body FROM blog_post ORDER BY slug",
    "comments": "SELECT p.slug, c.author_name, c.author_email, c.body, c.created_at, c.status "
    "FROM comments_comment c JOIN blog_post p ON p.id = c.post_id ORDER BY p.slug, c.body",
    "terms": "SELECT slug, name FROM blog_category UNION ALL SELECT slug, name FROM blog_tag ORDER BY 1",
    "users": "SELECT username, email FROM auth_user ORDER BY username",
    "filed": "SELECT p.slug, c.slug FROM blog_post_categories x JOIN blog_post p ON p.id = x.post_id "
    "JOIN blog_category c ON c.id = x.category_id ORDER BY 1, 2",
    "tagged": "SELECT p.slug, t.slug FROM blog_post_tags x JOIN blog_post p ON p.id = x.post_id "
    "JOIN blog_tag t ON t.id = x.tag_id ORDER BY 1, 2",
    # Old links still answering, what the importer remembers bringing, and the search index: all in step.
    "bookkeeping": "SELECT (SELECT count(*) FROM porting_oldlink), (SELECT count(*) FROM porting_importeditem), "
    "(SELECT count(*) FROM blog_post_fts)",
}


def site_content(database: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(database) as db:
        return {name: db.execute(query).fetchall() for name, query in CONTENT.items()}


def count_posts(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM blog_post").fetchone()[0])
    except sqlite3.OperationalError:  # the table is not there yet, or the importer holds the write lock
        return 0


def test_an_import_killed_mid_file_and_run_again_equals_a_clean_import(tmp_path: Path):
    wxr = tmp_path / "old-blog.xml"
    write_wxr(wxr)
    env = site_env(tmp_path / "site", free_port())
    sampan(env, "migrate", "-v0")
    database = tmp_path / "site" / "sampan.sqlite3"
    importer = subprocess.Popen(
        [sys.executable, "-m", "sampan.cli", "import-wxr", str(wxr), "--skip-media"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(lambda: count_posts(database) >= 200 or importer.poll() is not None, "the first batches")
        assert importer.poll() is None, "the import finished before it could be killed mid-file"
        kill_group(importer)
    finally:
        if importer.poll() is None:
            kill_group(importer)
    killed_at = count_posts(database)
    assert 0 < killed_at < ITEMS

    again = sampan(env, "import-wxr", str(wxr), "--skip-media")
    assert "Resumed: an earlier run of this file had got to line" in again.stdout

    clean_env = site_env(tmp_path / "clean", free_port())
    sampan(clean_env, "migrate", "-v0")
    sampan(clean_env, "import-wxr", str(wxr), "--skip-media")
    resumed, clean = site_content(database), site_content(tmp_path / "clean" / "sampan.sqlite3")
    assert len(clean["posts"]) == ITEMS and len(clean["comments"]) == ITEMS
    for part in CONTENT:
        assert resumed[part] == clean[part], f"{part} differ from a clean import"
