"""A reader's data rights cover the whole site: comments and following, seen and erased together."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from sampan.comments import links, services
from sampan.core import personal_data
from sampan.followers import services as followers
from sampan.followers.models import Follower
from tests.factories import make_post

pytestmark = pytest.mark.django_db

EMAIL = "ann@example.org"


def ann_comments_and_follows():
    services.import_comment(
        post=make_post(), body="Hello", status="approved", created_at=timezone.now(), author_email=EMAIL
    )
    followers.request_follow(email=EMAIL)
    followers.confirm(Follower.objects.get(email=EMAIL))


def test_the_export_holds_comments_and_the_subscription():
    ann_comments_and_follows()
    data = personal_data.export("  ANN@example.org ")
    assert data["email"] == EMAIL
    assert [c["comment"] for c in data["comments"]] == ["Hello"]
    assert data["followers"]["follower"]["status"] == "confirmed"


def test_the_mailed_link_shows_and_erases_everything_kept_site_wide():
    ann_comments_and_follows()
    browser = Client()
    path = urlsplit(links.personal_data_url(EMAIL)).path
    text = browser.get(path).content.decode()
    assert "1 comment" in text and "subscription to new posts" in text
    download = re.search(r'<a href="([^"]+)" download>', text)
    assert download is not None
    assert json.loads(browser.get(download.group(1)).content)["followers"]["follower"]["email"] == EMAIL
    erased = browser.post(path, headers={"Sec-Fetch-Site": "same-origin"})
    assert "is gone" in erased.content.decode()
    assert personal_data.summaries(EMAIL) == []
    assert not Follower.objects.filter(email=EMAIL).exists()


def test_a_reference_finds_the_address_again_without_holding_it():
    ann_comments_and_follows()
    ref = personal_data.reference(EMAIL)
    assert ref is not None and EMAIL not in ref
    assert personal_data.address(ref) == EMAIL
    assert personal_data.reference("nobody@example.org") is None
    assert personal_data.address("nowhere:1") is None
