"""The weekly digest: once a week, what was published since the last, never a post twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.followers import digest
from sampan.followers.models import Delivery, Follower
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_a_weekly_follower_gets_one_digest_with_the_weeks_posts_and_no_instant_mail(smtp_server):
    weekly = Follower.objects.create(
        email="weekly@example.org", status=Follower.Status.CONFIRMED, frequency=Follower.Frequency.WEEKLY,
        confirmed_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    make_post("Monday's post")
    make_post("Thursday's post")
    make_post("Old import", published_at=timezone.now() - timedelta(days=30))
    assert smtp_server.messages == []  # nothing instant

    assert digest.send_due_digests(now=timezone.now() + timedelta(days=3)) == 0  # not a week yet
    assert digest.send_due_digests(now=timezone.now() + timedelta(days=7)) == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "[My Sampan Blog] This week: 2 new posts"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Monday's post" in text and "Thursday's post" in text and "Old import" not in text
    assert Delivery.objects.filter(follower=weekly, outcome=Delivery.Outcome.DIGEST).count() == 2

    # Run again (a restart, a second worker): nothing new, nothing sent.
    assert digest.send_due_digests(now=timezone.now() + timedelta(days=7, minutes=5)) == 0
    assert len(smtp_server.messages) == 1


def test_a_week_without_posts_sends_no_digest(smtp_server):
    Follower.objects.create(
        email="weekly@example.org", status=Follower.Status.CONFIRMED, frequency=Follower.Frequency.WEEKLY,
        confirmed_at=timezone.now() - timedelta(days=8),
    )  # fmt: skip
    assert digest.send_due_digests() == 0
    assert smtp_server.messages == []


def test_housekeeping_with_nothing_to_send_leaves_the_outbox_alone(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "outbox")
    assert digest.send_due_digests() == 0
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").iterdir())
