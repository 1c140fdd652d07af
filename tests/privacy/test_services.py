"""The privacy page generator: a draft page written from the live settings, rewritten in place on request."""

import pytest

from sampan.blog.models import Post
from sampan.comments.models import DiscussionSettings
from sampan.mentions.models import MentionSettings
from sampan.privacy.models import RetentionSettings
from sampan.privacy.services import privacy_text, write_privacy_page
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user("owner", role="Administrator")


def test_the_page_lists_what_is_kept_for_how_long_the_cookies_and_the_data_request(settings):
    settings.STATS_RAW_DAYS = 7
    text = privacy_text()
    for heading in ("## Comments", "## Following by email", "## Likes", "## Visit counts",
                    "## Mentions from other sites", "## Cookies", "## Your data: export or erase"):  # fmt: skip
        assert heading in text
    assert "kept for 30 days" in text  # the address hashes
    assert "Single views are kept 7 days" in text
    assert "forgotten after 7 days" in text  # unconfirmed followers
    for cookie in ("sampan_liker", "sampan_held_comments", "sampan_posted", "csrftoken"):
        assert f"`{cookie}" in text
    assert f"<{settings.SITE_URL}/comments/your-data/>" in text


def test_the_page_follows_the_live_settings(settings):
    row = RetentionSettings.load()
    row.client_hashes, row.spam_and_trash, row.outbound_requests = 10, 14, 45
    row.save()
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"hold_all": True})
    mentions = MentionSettings.load()
    mentions.send = False
    mentions.save()
    settings.OUTBOUND_OFFLINE = False
    text = privacy_text()
    assert "is kept for 10 days" in text and "deleted after 14 days" in text
    assert "Every comment waits for the owner's approval." in text
    assert "Posts do not notify the pages they link to." in text
    assert "ledger kept 45 days" in text
    settings.OUTBOUND_OFFLINE, settings.STATS_ENABLED = True, False
    text = privacy_text()
    assert "this site makes no requests to other sites" in text
    assert "This site counts no visits." in text


def test_writing_twice_updates_one_draft_page(owner):
    page, created = write_privacy_page(by=owner)
    assert created and page.kind == Post.Kind.PAGE and page.status == Post.Status.DRAFT
    assert page.slug == "privacy" and "## Cookies" in page.body and "<h2>Cookies</h2>" in page.body_html
    row = RetentionSettings.load()
    row.client_hashes = 12
    row.save()
    again, created_again = write_privacy_page(by=owner)
    assert (again.pk, created_again) == (page.pk, False)
    assert "kept for 12 days" in Post.objects.get(pk=page.pk).body
    assert Post.objects.filter(kind=Post.Kind.PAGE).count() == 1


def test_a_published_privacy_page_is_left_alone_and_a_draft_written_beside_it(owner):
    published = make_post("Privacy", author=owner, kind=Post.Kind.PAGE, body="Our own words.")
    page, created = write_privacy_page(by=owner)
    assert created and page.pk != published.pk and page.status == Post.Status.DRAFT
    assert Post.objects.get(pk=published.pk).body == "Our own words."
