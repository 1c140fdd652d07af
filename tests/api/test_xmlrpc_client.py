"""A real blogging client against a real server: Python's xmlrpc.client talks to `sampan serve` over HTTP, and
what it wrote is checked where readers see it (the post page, the uploaded image, the feed)."""

import json
import subprocess
import sys
import urllib.error
import urllib.request
import xmlrpc.client
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import feedparser
import pytest
from PIL import Image

from tests.servers import free_port, sampan_env, start_serve

MAKE_AUTHOR = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from sampan.api.passwords import create_app_password
from sampan.blog.models import Category
ana = get_user_model().objects.create_user("ana", email="ana@example.org", is_staff=True)
ana.groups.add(Group.objects.get(name="Author"))
Category.objects.create(name="Rivers", slug="rivers")
print(create_app_password(user=ana, label="xmlrpc test").password)
"""


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=30).status
    except urllib.error.HTTPError as err:
        return err.code


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (12, 8), (20, 120, 200)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def server(tmp_path: Path):
    port = free_port()
    env = sampan_env(tmp_path / "data", SAMPAN_SITE_URL=f"http://127.0.0.1:{port}")
    process = start_serve(env, port)
    try:
        made = subprocess.run(
            [sys.executable, "-m", "sampan.cli", "shell", "-v", "0", "-c", MAKE_AUTHOR],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        yield f"http://127.0.0.1:{port}", made.stdout.strip().splitlines()[-1]
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.server
def test_a_blogging_client_publishes_edits_uploads_schedules_and_deletes(server):
    site, password = server
    blog = xmlrpc.client.ServerProxy(f"{site}/xmlrpc.php", allow_none=True, use_datetime=True)

    (info,) = blog.wp.getUsersBlogs("ana", password)
    assert info["url"] == f"{site}/" and info["xmlrpc"] == f"{site}/xmlrpc.php"
    blog_id = info["blogid"]

    content = {"title": "Up the river", "description": "<p>First draft of the trip.</p>",
               "categories": ["Rivers"], "mt_keywords": "boats, travel"}  # fmt: skip
    post_id = blog.metaWeblog.newPost(blog_id, "ana", password, content, True)

    image = blog.metaWeblog.newMediaObject(
        blog_id,
        "ana",
        password,
        {"name": "boat.png", "type": "image/png", "bits": xmlrpc.client.Binary(_png())},
    )
    assert image["url"].startswith(f"{site}/media/uploads/")
    edited = {"title": "Up the river", "categories": ["Rivers"], "mt_keywords": "boats, travel",
              "description": f'<p>Edited: the boat.</p><p><img src="{image["url"]}" alt="our boat"></p>'}  # fmt: skip
    assert blog.metaWeblog.editPost(post_id, "ana", password, edited, True) is True

    tomorrow = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    scheduled_id = blog.metaWeblog.newPost(
        blog_id, "ana", password,
        {"title": "Tomorrow's boat", "description": "<p>Soon.</p>",
         "dateCreated": xmlrpc.client.DateTime(tomorrow.strftime("%Y%m%dT%H:%M:%S"))},
        True,
    )  # fmt: skip
    doomed_id = blog.metaWeblog.newPost(
        blog_id, "ana", password, {"title": "Mistake", "description": "x"}, True
    )
    doomed_link = blog.metaWeblog.getPost(doomed_id, "ana", password)["link"]

    recent = {p["postid"]: p for p in blog.metaWeblog.getRecentPosts(blog_id, "ana", password, 10)}
    assert set(recent) == {post_id, scheduled_id, doomed_id}
    assert recent[scheduled_id]["post_status"] == "future"
    assert recent[post_id]["categories"] == ["Rivers"]
    assert recent[post_id]["mt_keywords"] == "boats, travel"

    assert blog.blogger.deletePost("", doomed_id, "ana", password, True) is True

    page = urllib.request.urlopen(recent[post_id]["link"], timeout=30).read().decode()
    assert "Edited: the boat." in page and image["url"].removeprefix(site) in page
    assert _status(image["url"]) == 200
    assert _status(doomed_link) == 404
    assert _status(recent[scheduled_id]["link"]) == 404  # not out yet

    feed = feedparser.parse(urllib.request.urlopen(f"{site}/feed/", timeout=30).read())
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Up the river"]
    assert {tag.term for tag in feed.entries[0].tags} >= {"Rivers"}


MAKE_HELD_COMMENT = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from sampan.blog.models import Post
from sampan.blog.services import save_post
from sampan.comments.services import submit_comment
post = Post(title="Harbour at dawn", body="Boats.", status="publish", published_at=timezone.now(),
            author=get_user_model().objects.get(username="ana"))
save_post(post)
comment = submit_comment(post=post, body="What a lovely harbour at dawn.", author_name="Mia",
                         author_email="mia@example.org")
assert comment.status == "pending", comment.status
print(post.pk, comment.pk)
"""


@pytest.mark.server
def test_a_blogging_client_approves_a_held_comment_that_readers_then_see(server, tmp_path):
    site, password = server
    env = sampan_env(tmp_path / "data", SAMPAN_SITE_URL=site)  # the server's own data folder
    made = subprocess.run(
        [sys.executable, "-m", "sampan.cli", "shell", "-v", "0", "-c", MAKE_HELD_COMMENT],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    post_id, comment_id = made.stdout.split()
    blog: Any = xmlrpc.client.ServerProxy(f"{site}/xmlrpc.php", allow_none=True, use_datetime=True)

    (held,) = blog.wp.getComments("1", "ana", password, {"status": "hold", "post_id": post_id})
    assert held["comment_id"] == comment_id and held["author"] == "Mia" and held["type"] == ""
    assert blog.wp.getCommentCount("1", "ana", password, post_id)["awaiting_moderation"] == 1
    link = json.loads(urllib.request.urlopen(f"{site}/api/posts/{post_id}/", timeout=30).read())["link"]
    comment_feed = f"{link}feed/"
    assert "lovely harbour" not in urllib.request.urlopen(comment_feed, timeout=30).read().decode()
    assert "lovely harbour" not in urllib.request.urlopen(link, timeout=30).read().decode()

    assert blog.wp.editComment("1", "ana", password, comment_id, {"status": "approve"}) is True

    assert blog.wp.getComment("1", "ana", password, comment_id)["status"] == "approve"
    page = urllib.request.urlopen(link, timeout=30).read().decode()
    assert "What a lovely harbour at dawn." in page and f'id="comment-{comment_id}"' in page
    feed = feedparser.parse(urllib.request.urlopen(comment_feed, timeout=30).read())
    assert len(feed.entries) == 1 and "What a lovely harbour at dawn." in feed.entries[0].description
    public = json.loads(urllib.request.urlopen(f"{site}/api/comments/?post={post_id}", timeout=30).read())
    assert [c["id"] for c in public] == [int(comment_id)] and public[0]["author_email"] is None
