"""The foreign-request audit: every kind of page Sampan serves, and every mail it sends, opened in Chromium.

The demo blog (posts over months, threaded comments, a pingback) plus a like, a follower and a commenter's own
pages; then the admin screens as the owner, then each mail's HTML. The request log (tests/e2e/conftest.py)
fails the test on any request to another origin; here, any Content-Security-Policy violation fails it too
(a blocked foreign resource, or inline code the policy refused), reported by the page itself.
"""

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from sampan.blog.models import Post
from sampan.comments import links as comment_links
from sampan.comments import notifications, selfservice
from sampan.comments.models import Comment, DiscussionSettings
from sampan.demo import seed_demo
from sampan.followers import digest, followups
from sampan.followers import links as follower_links
from sampan.followers import mail as follower_mail
from sampan.followers import services as followers
from sampan.followers.models import Follower
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
    (e) => window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline code"}`));
"""


class Violations:
    """CSP violations, as the page's events and Chromium's console report them."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self.watching = True

    def console(self, message: ConsoleMessage) -> None:
        if (self.watching and "Content Security Policy" in message.text) or message.text.startswith(
            "Refused to"
        ):
            self.found.append(message.text[:300])

    def collect(self, page: Page, where: str) -> None:
        for violation in page.evaluate("() => window.__violations || []"):
            self.found.append(f"{where}: {violation}")


@pytest.fixture
def violations(context: BrowserContext, page: Page) -> Iterator[Violations]:
    seen = Violations()
    context.add_init_script(WATCH_VIOLATIONS)
    page.on("console", seen.console)
    yield seen
    assert not seen.found, "Content-Security-Policy violations:\n  " + "\n  ".join(seen.found)


def visit(page: Page, base: str, path: str, violations: Violations) -> None:
    response = page.goto(base + path, wait_until="networkidle")
    assert response is not None and response.status < 500, f"{path} answered {response and response.status}"
    violations.collect(page, path)


def site_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_no_page_or_mail_asks_another_origin_for_anything(page: Page, live_server, violations, settings):
    settings.SITE_URL = live_server.url
    seed_demo()
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"min_seconds": 0})  # Playwright types fast
    owner = make_user("owner", role="Administrator", password="a long owner password")
    base = live_server.url
    post = Post.objects.filter(kind=Post.Kind.POST, comments__isnull=False).distinct().first()
    assert post is not None
    # A reader likes the post, follows the blog and comments, as a reader does: in the page.
    visit(page, base, post.get_absolute_url(), violations)
    page.get_by_role("button", name=re.compile("Like")).first.click()
    page.wait_for_load_state("networkidle")
    visit(page, base, "/follow/", violations)
    page.get_by_role("main").get_by_label("Email Address").fill("reader@example.org")
    page.get_by_role("main").get_by_role("button", name="Follow").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    visit(page, base, post.get_absolute_url(), violations)
    form = page.get_by_role("form", name=re.compile("Leave a Reply"))
    form.get_by_role("textbox", name="Comment", exact=True).fill("The mist is the best part.")
    form.get_by_role("textbox", name="Name", exact=True).fill("Bao")
    form.get_by_role("textbox", name="Email", exact=True).fill("bao@example.org")
    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state("networkidle")
    violations.collect(page, "after commenting")

    [confirmation] = [m for m in mail.outbox if m.to == ["reader@example.org"]]
    follower = Follower.objects.get(email="reader@example.org")
    followers.confirm(follower)
    comment = Comment.objects.get(author_email="bao@example.org")
    reader_pages = [
        "/", "/page/2/", post.get_absolute_url(), "/about/", "/2026/", post.published_at.strftime("/%Y/%m/"),
        post.published_at.strftime("/%Y/%m/%d/"), "/category/rivers/", "/tag/boats/", "/?s=river",
        "/?s=nothing+at+all", "/follow/", "/comments/your-data/", "/no/such/page/",
        site_path(re.search(r"http\S+/follow/confirm/\S+", str(confirmation.body)).group(0)),  # type: ignore[union-attr]
        site_path(selfservice.manage_url(comment)),
        site_path(comment_links.moderation_url(comment.pk, "approve")),
        site_path(follower_links.url("manage", email=follower.email, follower_id=follower.pk)),
        site_path(follower_links.url("unsubscribe", email=follower.email, follower_id=follower.pk)),
    ]  # fmt: skip
    for path in reader_pages:
        visit(page, base, path, violations)
    # Calendar navigation: the sidebar's link to the month before.
    visit(page, base, post.published_at.strftime("/%Y/%m/"), violations)
    calendar = page.get_by_role("complementary", name="Sidebar").locator("table.calendar")
    previous = calendar.get_by_role("link", name=re.compile("«"))
    if previous.count():
        previous.first.click()
        page.wait_for_load_state("networkidle")
        violations.collect(page, "calendar, month before")

    # The owner's screens.
    visit(page, base, "/admin/login/", violations)
    page.get_by_label("Username").fill(owner.username)
    page.get_by_label("Password").fill("a long owner password")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base + "/admin/")
    admin_pages = [
        "/admin/", "/admin/blog/post/", f"/admin/blog/post/{post.pk}/change/", "/admin/blog/post/add/",
        "/admin/blog/page/", "/admin/comments/comment/", f"/admin/comments/comment/{comment.pk}/change/",
        "/admin/followers/follower/", "/admin/stats/dailyviews/", "/admin/mentions/receivedmention/",
        "/admin/core/outboundrequest/", "/api/docs", "/admin/privacy/retentionsettings/",
    ]  # fmt: skip
    for path in admin_pages:
        visit(page, base, path, violations)
    page.get_by_role("button", name="Create privacy page").click()
    page.wait_for_load_state("networkidle")
    violations.collect(page, "the written privacy page in the admin")

    # Every mail, as a mail program shows its HTML (absolute links to the site only).
    violations.watching = False  # mail programs apply no CSP; the requests are what counts there
    more = [
        notifications.build_message(comment),
        follower_mail.new_post_message(follower_mail.prepare_new_post(post, full_text=True), follower),
        digest.digest_message(follower, [post], full_text=True),
        followups.follow_up_message(comment, "ann@example.org"),
    ]
    messages = [*mail.outbox, *more]
    subjects = []
    for message in messages:
        html = next((body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), "")
        if html:
            subjects.append(message.subject)
            page.goto(base + "/no/such/page/")
            page.set_content(str(html), wait_until="networkidle")
    # The follow confirmation, the author's comment mail, a new post, the weekly digest, a follow-up.
    assert len(subjects) >= 5, subjects
