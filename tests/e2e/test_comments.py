"""Readers comment with a real browser: a guest's first comment waits for moderation (and only they see it), an
editor approves it, everyone sees it, a reply nests under it (with JavaScript, and without); a returning
commenter is published at once; a bot's form post is stopped. Nothing on these pages asks another origin for
anything (tests/e2e/conftest.py), avatars included.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from sampan.comments import services
from sampan.comments.models import Comment, DiscussionSettings
from tests.factories import make_post, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def discussion_settings(**values):
    settings = DiscussionSettings.load()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()


@pytest.fixture
def post():
    # People take a few seconds to write; Playwright does not, so the minimum time is off unless a test sets it.
    discussion_settings(min_seconds=0)
    author = make_user("mai", first_name="Mai", last_name="Tran")
    return make_post("Slow boats", author=author, body="Two days against the current, rowing from the stern.")


def leave_a_reply(page: Page, text: str, name: str = "Ann Reader", email: str = "ann@example.org"):
    form = page.get_by_role("form", name=re.compile("Leave a Reply"))
    form.get_by_role("textbox", name="Comment", exact=True).fill(text)
    if name:
        form.get_by_role("textbox", name="Name", exact=True).fill(name)
        form.get_by_role("textbox", name="Email", exact=True).fill(email)
    form.get_by_role("button", name="Post Comment").click()


def comments(page: Page):
    return page.get_by_role("region", name=re.compile("thought"))


def test_guest_comment_is_moderated_then_shown_to_all_and_a_reply_nests_under_it(
    page: Page, browser: Browser, site_url, post, axe_check
):
    page.goto(site_url + post.get_absolute_url())
    expect(comments(page).get_by_role("heading", name="No thoughts yet on “Slow boats”")).to_be_visible()
    leave_a_reply(page, "Which river was this? It looks like the Mekong.")
    first = Comment.objects.get()
    expect(page).to_have_url(f"{site_url}{post.get_absolute_url()}#comment-{first.pk}")
    mine = comments(page).get_by_role("article", name="Ann Reader")
    expect(mine).to_contain_text("Your comment is awaiting moderation.")
    expect(mine).to_contain_text("It looks like the Mekong.")

    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(site_url + post.get_absolute_url())
        expect(stranger.get_by_text("It looks like the Mekong.")).to_have_count(0)

        services.approve_comment(first, by=make_user("ed", role="Editor"))  # what the moderation queue does

        stranger.goto(site_url + post.get_absolute_url())
        expect(comments(stranger).get_by_role("heading", name="1 thought on “Slow boats”")).to_be_visible()
        shown = comments(stranger).get_by_role("article", name="Ann Reader")
        expect(shown).to_contain_text("It looks like the Mekong.")
        expect(shown).not_to_contain_text("awaiting moderation")

        # Reply moves the form under the comment (JavaScript); Cancel puts it back.
        shown.get_by_role("link", name="Reply to Ann Reader").click()
        expect(stranger.get_by_role("heading", name="Leave a Reply to Ann Reader")).to_be_visible()
        expect(stranger.get_by_role("textbox", name="Comment", exact=True)).to_be_focused()
        assert stranger.locator(f"#comment-{first.pk} #respond").count() == 1
        stranger.get_by_role("link", name="Cancel reply").click()
        expect(stranger.get_by_role("heading", name="Leave a Reply", exact=True)).to_be_visible()
        assert stranger.locator(f"#comment-{first.pk} #respond").count() == 0

        shown.get_by_role("link", name="Reply to Ann Reader").click()
        leave_a_reply(stranger, "The Mekong, near Cần Thơ.", name="Mai Tran", email="mai@example.org")
        reply = Comment.objects.get(parent=first)
        services.approve_comment(reply)
        stranger.goto(site_url + post.get_absolute_url())
        nested = stranger.locator(f"#comment-{first.pk} > ol.children > #comment-{reply.pk}")
        expect(nested).to_contain_text("The Mekong, near Cần Thơ.")
        expect(comments(stranger).get_by_role("heading", name="2 thoughts on “Slow boats”")).to_be_visible()
        axe_check(stranger)
    finally:
        other.close()


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_reply_without_javascript(page: Page, site_url, post):
    first = services.import_comment(
        post=post, body="Lovely boats.", status=Comment.Status.APPROVED, created_at=post.published_at,
        author_name="Bao", author_email="bao@example.org",
    )  # fmt: skip
    page.goto(site_url + post.get_absolute_url())
    page.get_by_role("link", name="Reply to Bao").click()
    expect(page).to_have_url(re.compile(rf"\?replytocom={first.pk}#respond$"))
    expect(page.get_by_role("heading", name="Leave a Reply to Bao")).to_be_visible()
    assert page.locator(f"#comment-{first.pk} #respond").count() == 1
    leave_a_reply(page, "Thank you, Bao!", email="bao@example.org")  # a known email: published at once
    reply = Comment.objects.get(parent=first)
    assert reply.status == Comment.Status.APPROVED
    expect(page.locator(f"#comment-{first.pk} > ol.children > #comment-{reply.pk}")).to_contain_text(
        "Thank you, Bao!"
    )


def test_returning_commenter_is_published_at_once(page: Page, browser: Browser, site_url, post):
    services.import_comment(
        post=make_post("Earlier"), body="Hello.", status=Comment.Status.APPROVED, created_at=post.published_at,
        author_name="Ann Reader", author_email="ann@example.org",
    )  # fmt: skip
    page.goto(site_url + post.get_absolute_url())
    leave_a_reply(page, "Back again with another question.", email="ANN@example.org")
    expect(comments(page).get_by_role("heading", name="1 thought on “Slow boats”")).to_be_visible()
    expect(page.get_by_text("awaiting moderation")).to_have_count(0)
    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(site_url + post.get_absolute_url())
        expect(stranger.get_by_text("Back again with another question.")).to_be_visible()
    finally:
        other.close()


def test_bot_filling_the_honeypot_is_stopped_and_a_person_loses_nothing(
    page: Page, site_url, post, axe_check
):
    page.goto(site_url + post.get_absolute_url())
    page.locator("[name=sampan_homepage]").fill("http://cheap-pills.example/")  # hidden from people
    leave_a_reply(page, "Buy cheap pills")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("A field meant to stay empty was filled in")
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value("Buy cheap pills")
    expect(page.get_by_role("textbox", name="Name", exact=True)).to_have_value("Ann Reader")
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_have_value("ann@example.org")
    assert not Comment.objects.exists()
    axe_check(page)


def test_form_sent_within_seconds_is_stopped_and_bad_input_is_explained(
    page: Page, site_url, post, axe_check
):
    discussion_settings(min_seconds=60)
    page.goto(site_url + post.get_absolute_url())
    leave_a_reply(page, "First!!!")
    expect(page.get_by_role("alert")).to_contain_text("That was very quick")
    expect(page.get_by_role("textbox", name="Comment", exact=True)).to_have_value("First!!!")
    assert not Comment.objects.exists()

    discussion_settings(min_seconds=0)
    page.get_by_role("textbox", name="Email", exact=True).fill("not an address")
    page.get_by_role("button", name="Post Comment").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Please give a valid email address")
    alert.get_by_role("link", name=re.compile("valid email")).click()
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_be_focused()
    expect(page.get_by_role("textbox", name="Email", exact=True)).to_have_attribute("aria-invalid", "true")
    axe_check(page)


def test_post_from_another_site_is_refused(page: Page, site_url, post):
    response = page.request.post(
        site_url + "/comments/post/",
        form={"comment": "Forged", "author": "X", "email": "x@example.org", "comment_post_ID": str(post.pk)},
        headers={"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status == 403 and "sent from a page on another site" in response.text()
    assert not Comment.objects.exists()
