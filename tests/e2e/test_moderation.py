"""An editor approves a held comment from the admin's queue, and readers then see it under the post."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from sampan.comments import links, selfservice, services, spam
from tests.factories import make_post, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def held_comment():
    # Enough earlier decisions for the classifier to give a score the editor can read.
    for n in range(spam.MIN_DOCS):
        spam.learn(f"cheap pills casino bonus {n}", spam=True)
        spam.learn(f"lovely river walk photos {n}", spam=False)
    make_user("ed", role="Editor", password="a-long-river-walk")
    post = make_post("Rivers at dusk", body="The light on the water.")
    comment = services.submit_comment(
        post=post,
        body="A lovely river walk, thank you.",
        author_name="Ann Reader",
        author_email="ann@example.org",
    )
    assert comment.status == "pending" and comment.spam_score is not None
    return comment


def test_an_editor_approves_a_held_comment_and_readers_see_it(
    live_server, page: Page, held_comment, axe_check
):
    page.set_default_timeout(10_000)
    post_url = f"{live_server.url}{held_comment.post.get_absolute_url()}"
    page.goto(post_url)
    expect(page.get_by_text("A lovely river walk, thank you.")).to_have_count(0)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("a-long-river-walk")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("row", name=re.compile(r"^Comments")).get_by_role("link", name="Comments").click()
    tabs = page.get_by_role("navigation", name="Comments by status")
    tabs.get_by_role("link", name="Pending (1)").click()

    row = page.get_by_role("row").filter(has_text="A lovely river walk, thank you.")
    expect(row).to_contain_text("Ann Reader")
    expect(row).to_contain_text("First comment from this email address.")
    expect(row).to_contain_text(f"{held_comment.spam_score:.0%}")
    expect(row.get_by_role("link", name="Rivers at dusk")).to_be_visible()
    axe_check(page)

    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name=re.compile(r"^Action")).select_option(label="Approve")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_text("Approved 1 comment.")).to_be_visible()
    expect(tabs.get_by_role("link", name="Pending (0)")).to_be_visible()

    page.context.clear_cookies()  # now an anonymous reader
    page.goto(post_url)
    comments = page.locator("#comments")
    expect(comments.get_by_text("A lovely river walk, thank you.")).to_be_visible()
    expect(comments.get_by_role("heading", name=re.compile(r"1 thought on"))).to_be_visible()


def test_the_author_approves_from_the_mailed_link_with_one_button(
    live_server, page: Page, held_comment, axe_check
):
    page.set_default_timeout(10_000)
    path = urlsplit(links.moderation_url(held_comment.pk, "approve")).path
    page.goto(f"{live_server.url}{path}")  # a fresh browser: no cookie, no sign-in
    expect(page.get_by_role("heading", name="Approve this comment?")).to_be_visible()
    expect(page.get_by_text("A lovely river walk, thank you.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Approve this comment").click()
    expect(page.get_by_role("heading", name="Comment approved")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the moderation queue")).to_be_visible()
    page.goto(f"{live_server.url}{held_comment.post.get_absolute_url()}")
    expect(page.locator("#comments").get_by_text("A lovely river walk, thank you.")).to_be_visible()


def test_a_commenter_fixes_a_typo_through_their_own_link(live_server, page: Page, held_comment, axe_check):
    page.set_default_timeout(10_000)
    services.approve_comment(held_comment)
    page.goto(f"{live_server.url}{selfservice.manage_path(held_comment)}")
    axe_check(page)
    page.get_by_label("Your comment").fill("A lovely river walk, thank you so much.")
    page.get_by_role("button", name="Save my changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment is updated")
    page.goto(f"{live_server.url}{held_comment.post.get_absolute_url()}")
    expect(page.locator("#comments").get_by_text("A lovely river walk, thank you so much.")).to_be_visible()
