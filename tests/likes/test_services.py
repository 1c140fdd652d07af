"""Likes: once per browser, two browsers behind one address both count, unlike, names, webmention likes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.comments.models import Comment
from sampan.likes import services
from sampan.likes.models import Like
from sampan.likes.services import LikeRefused
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_the_same_browser_liking_twice_counts_once():
    post = make_post("Monsoon")
    assert services.like_post(post=post, token="browser-a") is True
    assert services.like_post(post=post, token="browser-a") is False
    assert services.like_line(post).count == 1
    assert services.like_line(post).text == "1 person likes this"


def test_two_browsers_both_count_and_unlike_takes_one_back():
    post = make_post("Monsoon")
    services.like_post(post=post, token="browser-a")
    services.like_post(post=post, token="browser-b", name="Ana")
    assert services.like_line(post).text == "2 people like this"
    assert [liker.name for liker in services.like_line(post).likers] == ["Ana"]
    assert services.unlike_post(post=post, token="browser-a") is True
    assert services.unlike_post(post=post, token="browser-a") is False
    assert services.like_line(post).text == "1 person likes this"
    assert services.has_liked(post=post, token="browser-b")
    assert not services.has_liked(post=post, token="browser-a")


def test_only_a_keyed_hash_of_the_browser_token_is_stored():
    post = make_post("Monsoon")
    services.like_post(post=post, token="my-secret-token")
    stored = Like.objects.get()
    assert "my-secret-token" not in stored.browser
    assert stored.browser == services.browser_key("my-secret-token")


def test_a_name_too_long_or_unprintable_is_refused_with_a_reason():
    post = make_post("Monsoon")
    with pytest.raises(LikeRefused, match="at most 60 characters"):
        services.like_post(post=post, token="a", name="x" * 61)
    with pytest.raises(LikeRefused, match="cannot be shown"):
        services.like_post(post=post, token="a", name="bell\x07")
    assert not Like.objects.exists()


def test_drafts_cannot_be_liked():
    draft = make_post("Not yet", status="draft")
    with pytest.raises(LikeRefused):
        services.like_post(post=draft, token="a")


def test_likes_received_by_webmention_join_the_line():
    post = make_post("Monsoon")
    services.like_post(post=post, token="a", name="Ben")
    Comment.objects.create(
        post=post, kind="webmention", status="approved", mention_type="like", author_name="Chloé",
        author_url="https://chloe.example/", source_url="https://chloe.example/likes/1", body="",
        author_photo="mentions/chloe.png",
    )  # fmt: skip
    Comment.objects.create(
        post=post, kind="webmention", status="pending", mention_type="like", author_name="Pending Pat",
        source_url="https://pat.example/likes/1", body="",
    )  # fmt: skip
    line = services._build_line(post)
    assert line.count == 2
    assert [(liker.name, liker.url) for liker in line.likers] == [
        ("Ben", ""),
        ("Chloé", "https://chloe.example/"),
    ]


def test_likes_per_day_counts_by_local_day():
    post = make_post("Monsoon")
    services.like_post(post=post, token="a")
    services.like_post(post=post, token="b")
    Like.objects.filter(browser=services.browser_key("b")).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    today = timezone.localdate()
    per_day = services.likes_per_day(start=today - timedelta(days=6), end=today)
    assert per_day == {today: 1, today - timedelta(days=2): 1}
