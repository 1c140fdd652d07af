"""The owner's admin: followers with status and dates, bounce counts, and the outbox."""

import pytest
from django.core.mail import EmailMultiAlternatives

from sampan.followers.models import Follower, FollowerSettings
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):  # type: ignore[no-untyped-def]
    client.force_login(make_user(role="Administrator"))
    return client


def test_the_follower_list_shows_status_and_dates(owner):
    Follower.objects.create(email="ann@example.org", status=Follower.Status.CONFIRMED)
    page = owner.get("/admin/followers/follower/")
    assert page.status_code == 200
    assert "ann@example.org" in page.text and "Following" in page.text
    assert "Export all as CSV" in page.text and "Outbox" in page.text


def test_typing_hard_bounces_past_the_limit_stops_the_follower(owner):
    FollowerSettings.objects.update_or_create(pk=1, defaults={"stop_after_bounces": 3})
    follower = Follower.objects.create(email="ann@example.org", status=Follower.Status.CONFIRMED)
    response = owner.post(
        f"/admin/followers/follower/{follower.pk}/change/",
        {"email": "ann@example.org", "status": "confirmed", "frequency": "instant", "source": "form",
         "hard_bounces": 3},
    )  # fmt: skip
    assert response.status_code == 302, response.text[:2000]
    assert Follower.objects.get().status == Follower.Status.BOUNCING


def test_the_outbox_lists_mail_written_to_the_data_folder(owner, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    for subject in ("First letter", "Second letter"):
        message = EmailMultiAlternatives(subject, "Plain words", to=["ann@example.org"])
        message.attach_alternative("<p>Rich words</p>", "text/html")
        message.send()
    listing = owner.get("/admin/followers/follower/outbox/")
    assert "First letter" in listing.text and "Second letter" in listing.text
    name = next((tmp_path / "outbox").glob("*.log")).name
    shown = owner.get(f"/admin/followers/follower/outbox/{name}/0/")
    assert shown.status_code == 200
    assert "Plain words" in shown.text and "&lt;p&gt;Rich words&lt;/p&gt;" in shown.text
    assert owner.get("/admin/followers/follower/outbox/nothing.log/0/").status_code == 404


def test_with_an_smtp_server_the_outbox_says_where_mail_goes(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "no outbox to show" in owner.get("/admin/followers/follower/outbox/").text
