"""The like form as a reader's browser uses it: no prior cookie, same-origin only, 303 back or JSON."""

import pytest
from django.core.cache import cache

from sampan.likes import browser_cookie
from sampan.likes.models import Like
from tests.factories import make_post

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"HTTP_SEC_FETCH_SITE": "same-origin"}


def like_url(post) -> str:  # type: ignore[no-untyped-def]
    return f"/likes/{post.pk}/"


def test_a_first_like_needs_no_cookie_and_sends_the_reader_back_to_the_post(client):
    post = make_post("Tonle Sap")
    reply = client.post(like_url(post), {"action": "like", "name": "Dara"}, **SAME_ORIGIN)
    assert reply.status_code == 303
    assert reply["Location"] == post.get_absolute_url() + "#likes"
    cookie = reply.cookies[browser_cookie.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    page = client.get(post.get_absolute_url()).text
    assert "1 person likes this" in page
    assert "You like this." in page
    assert "Dara" in page
    assert ">Unlike</button>" in page


def test_liking_again_from_the_same_browser_does_not_count_twice(client):
    post = make_post("Tonle Sap")
    client.post(like_url(post), {"action": "like"}, **SAME_ORIGIN)
    client.post(like_url(post), {"action": "like"}, **SAME_ORIGIN)
    assert Like.objects.count() == 1


def test_unlike_takes_the_like_back_and_removes_the_cookie(client):
    post = make_post("Tonle Sap")
    client.post(like_url(post), {"action": "like"}, **SAME_ORIGIN)
    reply = client.post(like_url(post), {"action": "unlike"}, **SAME_ORIGIN)
    assert reply.status_code == 303
    assert reply.cookies[browser_cookie.COOKIE].value == ""
    assert not Like.objects.exists()
    assert "0 people like this" in client.get(post.get_absolute_url()).text


def test_a_cross_site_post_is_refused_and_counts_nothing(client):
    post = make_post("Tonle Sap")
    reply = client.post(like_url(post), {"action": "like"}, HTTP_SEC_FETCH_SITE="cross-site")
    assert reply.status_code == 403
    assert "only from this site" in reply.text
    reply = client.post(like_url(post), {"action": "like"}, HTTP_ORIGIN="https://evil.example")
    assert reply.status_code == 403
    assert not Like.objects.exists()


def test_the_script_gets_the_new_section_as_json(client):
    post = make_post("Tonle Sap")
    reply = client.post(like_url(post), {"action": "like"}, HTTP_ACCEPT="application/json", **SAME_ORIGIN)
    assert reply.status_code == 200
    data = reply.json()
    assert data["count"] == 1 and data["liked"] is True
    assert "1 person likes this" in data["html"]


def test_a_bad_name_gets_a_clear_message_and_keeps_what_was_typed(client):
    post = make_post("Tonle Sap")
    reply = client.post(like_url(post), {"action": "like", "name": "n" * 61}, **SAME_ORIGIN)
    assert reply.status_code == 400
    assert "at most 60 characters" in reply.text
    assert "n" * 61 in reply.text
    reply = client.post(
        like_url(post), {"action": "like", "name": "n" * 61}, HTTP_ACCEPT="application/json", **SAME_ORIGIN
    )
    assert "at most 60 characters" in reply.json()["error"]


def test_likes_are_rate_limited_per_address(client):
    post = make_post("Tonle Sap")
    cache.clear()
    for _ in range(30):
        client.cookies.clear()
        assert client.post(like_url(post), {"action": "like"}, **SAME_ORIGIN).status_code == 303
    client.cookies.clear()
    reply = client.post(like_url(post), {"action": "like"}, **SAME_ORIGIN)
    assert reply.status_code == 429
    assert "try again in a few minutes" in reply.text
    assert Like.objects.count() == 30


def test_anonymous_readers_see_a_new_like_at_once_despite_the_page_cache(client, settings):
    settings.SITE_URL = "http://testserver"
    post = make_post("Tonle Sap")
    reader = client.__class__()
    assert "0 people like this" in reader.get(post.get_absolute_url()).text
    client.post(like_url(post), {"action": "like"}, **SAME_ORIGIN)
    assert "1 person likes this" in reader.get(post.get_absolute_url()).text


def test_drafts_and_missing_posts_have_no_like_form(client):
    draft = make_post("Not yet", status="draft")
    assert client.post(like_url(draft), {"action": "like"}, **SAME_ORIGIN).status_code == 404
    assert client.post("/likes/999999/", {"action": "like"}, **SAME_ORIGIN).status_code == 404
    assert client.get(like_url(draft)).status_code == 405
