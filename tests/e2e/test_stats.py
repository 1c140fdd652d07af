"""The owner's numbers from real visits: `sampan serve` (page cache, counting, the worker's flush) and Chromium.

Three readers, a crawler, a reader sending Sec-GPC and the signed-in owner visit; the Blog Stats widget and the
dashboard then show exactly the readers' views, and unique visitors only for the readers who did not opt out.
"""

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from tests.servers import free_port, sampan_env, start_serve

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CRAWLER = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
OWNER_PASSWORD = "a-long-owner-password-42"
FIRST_POST = """
import django; django.setup()
from sampan.blog.models import Post
post = Post.objects.posts().live().filter(password="").order_by("-published_at").first()
print(post.get_absolute_url(), post.title, sep="\\t")
"""


@dataclass
class Blog:
    url: str
    post_path: str
    post_title: str


@pytest.fixture
def blog(tmp_path: Path) -> Iterator[Blog]:
    port = free_port()
    env = sampan_env(
        tmp_path / "data",
        SAMPAN_SITE_URL=f"http://127.0.0.1:{port}",
        SAMPAN_STATS_FLUSH_SECONDS="1",
        SAMPAN_STATS_ROLLUP_SECONDS="1",
        DJANGO_SUPERUSER_PASSWORD=OWNER_PASSWORD,
    )
    sampan = [sys.executable, "-m", "sampan.cli"]
    subprocess.run([*sampan, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*sampan, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [*sampan, "createsuperuser", "--noinput", "--username", "owner", "--email", "owner@example.org"],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    found = subprocess.run(
        [sys.executable, "-c", FIRST_POST], env=env, check=True, capture_output=True, text=True
    )
    path, title = found.stdout.strip().split("\t")
    server = start_serve(env, port)
    try:
        yield Blog(f"http://127.0.0.1:{port}", path, title)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def contexts(browser: Browser, blog: Blog) -> Iterator[Callable[..., BrowserContext]]:
    """New browser contexts; afterwards, none of them may have asked another origin for anything."""
    made: list[BrowserContext] = []
    asked: list[str] = []

    def make(**options: object) -> BrowserContext:
        # A locale, so Chromium sends Accept-Language as every desktop browser does (robots often do not).
        context = browser.new_context(locale="en-NZ", **options)  # type: ignore[arg-type]
        context.on("request", lambda request: asked.append(request.url))
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    origin = urlsplit(blog.url).netloc
    foreign = [
        url for url in asked if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != origin
    ]
    assert not foreign, f"requests to other origins: {foreign}"


def reload_until(page: Page, url: str, read: Callable[[Page], object], expected: object) -> None:
    """Counts reach pages after the worker's flush (and within a minute on cached pages): ask again until then."""
    deadline = time.monotonic() + 120
    while True:
        page.goto(url)
        seen = read(page)
        if seen == expected:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{url} still shows {seen!r} instead of {expected!r} after two minutes")
        page.wait_for_timeout(500)


def todays_row(page: Page) -> list[str]:
    return page.locator("#stats-table tbody tr").first.locator("td").all_inner_texts()


def test_visits_move_the_counter_and_the_dashboard_by_exactly_the_readers_views(blog, contexts, axe_check):
    post_url = blog.url + blog.post_path
    owner = contexts(user_agent=CHROME).new_page()
    owner.goto(blog.url + "/admin/login/")
    owner.get_by_label("Username").fill("owner")
    owner.get_by_label("Password").fill(OWNER_PASSWORD)
    owner.get_by_role("button", name="Log in").click()
    owner.goto(post_url)  # the owner's own visit: not counted

    reader = contexts(user_agent=CHROME, bypass_csp=True).new_page()  # so axe-core can be injected
    for _ in range(3):
        reader.goto(post_url)  # 3 views, 1 visitor (the second and third come from the page cache)
    axe_check(reader)
    crawler = contexts(user_agent=CRAWLER).new_page()
    crawler.goto(post_url)
    crawler.goto(post_url)  # not counted at all
    private = contexts(user_agent=CHROME, extra_http_headers={"Sec-GPC": "1"}).new_page()
    private.goto(post_url)  # 1 view, no visitor
    other_reader = contexts(user_agent=FIREFOX).new_page()
    other_reader.goto(blog.url + "/")  # 1 view, 1 more visitor

    widget = ".widget_blog_stats .blog-stats-hits"
    reload_until(crawler, blog.url + "/", lambda p: p.locator(widget).inner_text(), "5 hits")

    dashboard = blog.url + "/admin/stats/dailyviews/"
    reload_until(owner, dashboard, lambda p: todays_row(p)[:2], ["5", "2"])
    top_post = owner.get_by_role("link", name=blog.post_title).locator("xpath=../following-sibling::td")
    assert top_post.inner_text() == "4"

    reader.goto(post_url)  # one more view from a visitor already counted today
    reload_until(owner, dashboard, lambda p: todays_row(p)[:2], ["6", "2"])
