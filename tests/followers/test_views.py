"""The follow form and the signed-link pages: clear pages for bad input, no change beyond the intended one."""

import time

import pytest
from django.core import mail

from sampan.followers import links
from sampan.followers.models import Follower
from sampan.followers.views import FOLLOWS_PER_HOUR

from .conftest import SAME_ORIGIN, local_path

pytestmark = pytest.mark.django_db


def test_the_follow_page_shows_a_labelled_form(client):
    page = client.get("/follow/")
    assert page.status_code == 200
    assert 'label for="follow-page-email"' in page.text


def test_a_cross_site_post_is_refused_and_nothing_is_kept(client):
    response = client.post("/follow/", {"email": "a@example.org"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "only works from this site" in response.text
    assert not Follower.objects.exists()


def test_a_same_origin_post_needs_no_cookie(client):
    client.cookies.clear()
    response = client.post("/follow/", {"email": "a@example.org"}, headers={"Origin": "http://testserver"})
    assert response.status_code == 200
    assert Follower.objects.filter(email="a@example.org").exists()


def test_an_invalid_address_is_shown_again_with_the_reason(client):
    response = client.post("/follow/", {"email": "not an address"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert "That is not an email address." in response.text
    assert 'value="not an address"' in response.text  # what was typed is not lost


def test_a_header_injection_attempt_is_refused(client):
    response = client.post("/follow/", {"email": "a@example.org\r\nBcc: b@example.org"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert not Follower.objects.exists()
    assert mail.outbox == []


def test_the_page_says_the_same_whether_or_not_the_address_follows(client):
    Follower.objects.create(email="fan@example.org", status=Follower.Status.CONFIRMED)
    known = client.post("/follow/", {"email": "fan@example.org"}, headers=SAME_ORIGIN)
    unknown = client.post("/follow/", {"email": "new@example.org"}, headers=SAME_ORIGIN)
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text


def test_one_client_is_rate_limited(client):
    for n in range(FOLLOWS_PER_HOUR):
        client.post("/follow/", {"email": f"r{n}@example.org"}, headers=SAME_ORIGIN)
    response = client.post("/follow/", {"email": "one-more@example.org"}, headers=SAME_ORIGIN)
    assert response.status_code == 429
    assert not Follower.objects.filter(email="one-more@example.org").exists()


def test_a_forged_link_shows_a_clear_page_and_changes_nothing(client):
    follower = Follower.objects.create(email="a@example.org")
    token = links.make("confirm", email=follower.email, follower_id=follower.pk)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(f"/follow/confirm/{forged}/")
    assert response.status_code == 400
    assert "This link does not work" in response.text
    assert Follower.objects.get().status == Follower.Status.PENDING


def test_a_link_made_for_another_purpose_does_not_work(client):
    follower = Follower.objects.create(email="a@example.org", status=Follower.Status.CONFIRMED)
    token = links.make("manage", email=follower.email, follower_id=follower.pk)
    assert client.post(f"/follow/unsubscribe/{token}/").status_code == 400
    assert Follower.objects.get().status == Follower.Status.CONFIRMED


def test_an_expired_confirmation_link_says_so(client, monkeypatch):
    follower = Follower.objects.create(email="a@example.org")
    eight_days_ago = time.time() - 8 * 86400
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: eight_days_ago)  # what the signer reads as "now"
        token = links.make("confirm", email=follower.email, follower_id=follower.pk)
    response = client.post(f"/follow/confirm/{token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.text
    assert Follower.objects.get().status == Follower.Status.PENDING


def test_an_old_confirmation_link_cannot_bring_back_an_unsubscribed_follower(client):
    follower = Follower.objects.create(email="a@example.org", status=Follower.Status.UNSUBSCRIBED)
    path = local_path(links.url("confirm", email=follower.email, follower_id=follower.pk))
    response = client.post(path)
    assert "This link is used up" in response.text
    assert Follower.objects.get().status == Follower.Status.UNSUBSCRIBED


def test_the_manage_page_switches_to_a_weekly_digest_and_unsubscribes(client):
    follower = Follower.objects.create(email="a@example.org", status=Follower.Status.CONFIRMED)
    path = local_path(links.url("manage", email=follower.email, follower_id=follower.pk))
    assert "Your subscriptions" in client.get(path).text
    saved = client.post(path, {"action": "frequency", "frequency": "weekly"})
    assert "Saved: a weekly digest." in saved.text
    assert Follower.objects.get().frequency == Follower.Frequency.WEEKLY
    assert client.post(path, {"action": "frequency", "frequency": "hourly"}).status_code == 400
    client.post(path, {"action": "unsubscribe"})
    assert Follower.objects.get().status == Follower.Status.UNSUBSCRIBED


def test_signed_pages_are_never_served_from_the_page_cache(client):
    follower = Follower.objects.create(email="a@example.org", status=Follower.Status.CONFIRMED)
    path = local_path(links.url("unsubscribe", email=follower.email, follower_id=follower.pk))
    assert "no-store" in client.get(path).headers["Cache-Control"]
