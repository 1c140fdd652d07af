"""Two real blogs talking over HTTP: two `sampan serve` processes on loopback, each with its own data folder and
task worker. A post on blog A links to a post on blog B; A's worker finds B's Webmention endpoint and sends;
B's worker verifies A's page and the mention shows in B's thoughts. Then a Pingback from A's page to B, a
reply update, and A's post withdrawn (404), which B's verification turns into removal."""

import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, sampan_env, start_serve

pytestmark = pytest.mark.server

MAKE_POST = """
from django.contrib.auth import get_user_model
from sampan.blog.models import Post
from sampan.blog.services import save_post
user = get_user_model().objects.first() or get_user_model().objects.create_user("writer", is_staff=True)
post = save_post(Post(title=TITLE, body=BODY, author=user, status="publish"))
print(post.get_absolute_url())
"""

EDIT_POST = """
from sampan.blog.models import Post
from sampan.blog.services import save_post
post = Post.objects.get(slug=SLUG)
post.body, previous = BODY, post.status
post.status = STATUS
save_post(post, previous_status=previous)
print("ok")
"""

APPROVE_ALL = """
from sampan.comments.models import Comment
from sampan.comments.services import approve_comment
for comment in Comment.objects.exclude(status="approved"):
    approve_comment(comment)
print(Comment.objects.count())
"""


class Blog:
    def __init__(self, root: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = sampan_env(root, SAMPAN_SITE_URL=self.url, SAMPAN_OUTBOUND_ALLOW_LOOPBACK="1")
        self.process = start_serve(self.env, self.port)

    def shell(self, script: str, **values: str) -> str:
        prelude = "".join(f"{name} = {value!r}\n" for name, value in values.items())
        done = subprocess.run(
            [sys.executable, "-m", "sampan.cli", "shell", "-v", "0", "-c", prelude + script],
            env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return (done.stdout.strip().splitlines() or [""])[-1]

    def page(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.read().decode()
        except urllib.error.HTTPError as err:
            return f"HTTP {err.code}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def eventually(check: Callable[[], bool], what: str, within: float = 60.0) -> None:
    """Poll until `check()` holds (the other blog's worker runs on its own time), failing after `within`."""
    waiter = threading.Event()
    for _ in range(int(within / 0.25)):
        if check():
            return
        waiter.wait(0.25)
    raise AssertionError(f"gave up waiting: {what}")


@pytest.fixture
def blogs(tmp_path: Path) -> Iterator[tuple[Blog, Blog]]:
    a = Blog(tmp_path / "a")
    try:
        b = Blog(tmp_path / "b")
    except BaseException:
        a.stop()
        raise
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


def test_a_post_on_one_blog_mentions_a_post_on_the_other_by_webmention_then_pingback(blogs):
    a, b = blogs
    b_post = b.shell(MAKE_POST, TITLE="Boats of the Mekong", BODY="All about sampans.")
    a_post = a.shell(
        MAKE_POST, TITLE="My trip",
        BODY=f"Before going I read [a fine piece on boats]({b.url}{b_post}) and packed light.",
    )  # fmt: skip

    # A's worker discovers B's endpoint and sends; B's worker fetches A's page and verifies the link.
    eventually(lambda: "Before going I read a fine piece on boats" in b.page(b_post), "the mention on B")
    page = b.page(b_post)
    assert "1 thought on" in page and f'href="{a.url}{a_post}"' in page
    # The second answer comes from the page cache, with the headers the first went out with.
    for _ in range(2):
        with urllib.request.urlopen(b.url + b_post, timeout=30) as response:
            assert response.headers["Link"] == f'<{b.url}/webmention/>; rel="webmention"'
            assert response.headers["X-Pingback"] == f"{b.url}/xmlrpc.php"

    # Pingback: B takes it at /xmlrpc.php, checking A's page before answering. (A sends nothing itself now.)
    server = xmlrpc.client.ServerProxy(f"{b.url}/xmlrpc.php")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(f"{a.url}{a_post}", f"{b.url}{b_post}")
    assert fault.value.faultCode == 0x0030  # that page's mention is already there, by webmention
    a.shell(
        "from sampan.mentions.models import MentionSettings as M; M.objects.update_or_create(pk=1, defaults={'send': False})"
    )
    c_post = b.shell(MAKE_POST, TITLE="River food", BODY="Noodles.")
    a_food = a.shell(MAKE_POST, TITLE="Eating", BODY=f"The [noodle soup]({b.url}{c_post}) was the best.")
    assert "registered" in str(server.pingback.ping(f"{a.url}{a_food}", f"{b.url}{c_post}"))
    assert "Pingback:" in b.page(c_post) and "[…] The noodle soup was the best. […]" in b.page(c_post)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        server.pingback.ping(f"{a.url}{a_food}", f"{b.url}{b_post}")
    assert fault.value.faultCode == 0x0011  # "Eating" does not link to "Boats of the Mekong"
    a.shell(
        "from sampan.mentions.models import MentionSettings as M; M.objects.filter(pk=1).update(send=True)"
    )

    # A's post is withdrawn: A tells B again, B finds A's page gone (404) and removes the mention.
    slug = a_post.rstrip("/").rsplit("/", 1)[-1]
    a.shell(EDIT_POST, SLUG=slug, BODY="Gone.", STATUS="draft")
    eventually(lambda: "fine piece on boats" not in b.page(b_post), "the webmention removed from B")


def test_held_mentions_show_after_approval_and_updates_replace_the_text(blogs):
    a, b = blogs
    b.shell(
        "from sampan.comments.models import DiscussionSettings as D; s = D.load(); s.hold_all = True; s.save()"
    )
    b_post = b.shell(MAKE_POST, TITLE="Boats", BODY="Sampans.")
    a_post = a.shell(MAKE_POST, TITLE="Trip", BODY=f"Read [this]({b.url}{b_post}) first.")
    endpoint = f"{b.url}/webmention/"

    def held_count() -> bool:
        return b.shell("from sampan.comments.models import Comment; print(Comment.objects.count())") == "1"

    eventually(held_count, "the mention held on B")
    assert "Read this first" not in b.page(b_post)
    b.shell(APPROVE_ALL)
    assert "Read this first" in b.page(b_post)

    slug = a_post.rstrip("/").rsplit("/", 1)[-1]
    a.shell(EDIT_POST, SLUG=slug, BODY=f"Now I say: read [this]({b.url}{b_post}) twice.", STATUS="publish")
    eventually(lambda: "read this twice" in b.page(b_post), "the updated mention on B")

    # What a sender sees: 202 and a status page.
    form = urllib.parse.urlencode({"source": f"{a.url}{a_post}", "target": f"{b.url}{b_post}"}).encode()
    with urllib.request.urlopen(endpoint, data=form, timeout=30) as response:
        assert response.status == 202
        status_url = response.headers["Location"]
    eventually(lambda: "Accepted" in b.page(urllib.parse.urlsplit(status_url).path), "the status page")
