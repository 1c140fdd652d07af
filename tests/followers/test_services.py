"""Asking to follow: valid addresses only, nothing revealed, no floods, confirmation once; bounces; expiry."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sampan.followers import personal, services
from sampan.followers.models import Follower, FollowerSettings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    ["", "not-an-address", "a@b", "reader@example.org\r\nBcc: victim@example.net", "a@example.org, b@example.org",
     "Reader <reader@example.org>", "x" * 250 + "@example.org"],
)  # fmt: skip
def test_what_is_not_one_email_address_is_refused_and_nothing_is_kept(address):
    with pytest.raises(services.FollowRefused):
        services.request_follow(email=address)
    assert not Follower.objects.exists()
    assert mail.outbox == []


def test_a_new_address_waits_for_confirmation_and_gets_one_mail():
    services.request_follow(email="  Reader@Example.ORG ")
    follower = Follower.objects.get()
    assert (follower.email, follower.status) == ("reader@example.org", Follower.Status.PENDING)
    [message] = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "/follow/confirm/" in message.body


def test_asking_again_for_a_follower_sends_nothing_and_changes_nothing():
    follower = Follower.objects.create(email="fan@example.org", status=Follower.Status.CONFIRMED)
    services.request_follow(email="fan@example.org")
    follower.refresh_from_db()
    assert follower.status == Follower.Status.CONFIRMED
    assert mail.outbox == []


def test_nobody_can_flood_an_address_with_confirmation_requests():
    for _ in range(10):
        services.request_follow(email="target@example.org")
    assert len(mail.outbox) == services.CONFIRMATIONS_PER_DAY


def test_confirming_twice_changes_nothing_the_second_time():
    services.request_follow(email="reader@example.org")
    follower = Follower.objects.get()
    assert services.confirm(follower) is True
    confirmed_at = Follower.objects.get().confirmed_at
    assert services.confirm(follower) is False
    assert Follower.objects.get().confirmed_at == confirmed_at


def test_an_unsubscribed_reader_who_follows_again_must_confirm_again():
    follower = Follower.objects.create(email="back@example.org", status=Follower.Status.UNSUBSCRIBED)
    services.request_follow(email="back@example.org")
    follower.refresh_from_db()
    assert follower.status == Follower.Status.PENDING
    assert len(mail.outbox) == 1


def test_unconfirmed_addresses_are_forgotten_after_seven_days():
    old = Follower.objects.create(email="old@example.org", created_at=timezone.now() - timedelta(days=8))
    Follower.objects.create(email="new@example.org")
    Follower.objects.create(
        email="fan@example.org",
        status=Follower.Status.CONFIRMED,
        created_at=timezone.now() - timedelta(days=30),
    )
    assert services.forget_unconfirmed() == 1
    assert not Follower.objects.filter(pk=old.pk).exists()
    assert Follower.objects.count() == 2


def test_an_address_stops_getting_mail_after_the_owners_number_of_hard_bounces():
    FollowerSettings.objects.update_or_create(pk=1, defaults={"stop_after_bounces": 2})
    follower = Follower.objects.create(email="gone@example.org", status=Follower.Status.CONFIRMED)
    services.record_hard_bounce(follower)
    assert Follower.objects.get().status == Follower.Status.CONFIRMED
    services.record_hard_bounce(follower)
    stopped = Follower.objects.get()
    assert (stopped.status, stopped.hard_bounces) == (Follower.Status.BOUNCING, 2)


def test_a_readers_data_can_be_shown_and_erased():
    follower = Follower.objects.create(email="ann@example.org", status=Follower.Status.CONFIRMED)
    data = personal.personal_data("Ann@Example.org")
    assert data["follower"]["status"] == "confirmed" and data["follower"]["email"] == "ann@example.org"
    assert personal.erase_personal_data("ann@example.org") >= 1
    assert not Follower.objects.filter(pk=follower.pk).exists()
    assert personal.personal_data("ann@example.org")["follower"] is None
