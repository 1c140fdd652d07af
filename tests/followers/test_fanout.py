"""A new post's mail: who gets it, exactly once, even when sending stops half way and starts again."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone

from sampan.blog import services as blog
from sampan.blog.models import Post
from sampan.followers import fanout
from sampan.followers.models import Delivery, Follower, FollowerSettings, NewPostMailing
from sampan.followers.tasks import followers_housekeeping
from tests.factories import make_post, make_user
from tests.servers import free_port

pytestmark = pytest.mark.django_db


def followers(n: int, **fields: Any) -> list[Follower]:
    since = timezone.now() - timedelta(days=1)
    return [
        Follower.objects.create(
            email=f"f{i}@example.org", status=Follower.Status.CONFIRMED, confirmed_at=since, **fields
        )
        for i in range(n)
    ]


class Crash(Exception):
    """The worker dies."""


def dies_after(sends: int) -> type[EmailBackend]:
    """The real SMTP backend, until the worker is killed after `sends` messages (over all its connections)."""
    left, lock = [sends], threading.Lock()

    class Dying(EmailBackend):
        def send_messages(self, messages: Any) -> int:
            with lock:
                if left[0] == 0:
                    raise Crash
                left[0] -= 1
            return super().send_messages(messages)

    return Dying


def test_a_fan_out_killed_half_way_and_started_again_mails_everyone_exactly_once(smtp_server, monkeypatch):
    followers(12)
    FollowerSettings.objects.update_or_create(pk=1, defaults={"batch_size": 5, "connections": 1})
    # Publishing queues the mail; here the worker is killed after 7 messages, in the second batch.
    monkeypatch.setattr(fanout, "start_mailing", lambda post: None)
    post = make_post("A long way down")
    mailing = NewPostMailing.objects.create(post=post)
    with pytest.raises(Crash):
        fanout.run_mailing(mailing.pk, connect=dies_after(7))
    assert len(smtp_server.messages) == 7
    assert Delivery.objects.count() == 7

    # The lease of the dead worker runs out; the housekeeping takes the mailing up again.
    later = timezone.now() + fanout.LEASE + timedelta(seconds=1)
    NewPostMailing.objects.filter(pk=mailing.pk).update(lease_until=later - fanout.LEASE * 2)
    assert fanout.run_mailing(mailing.pk) == fanout.Progress(fanout.DONE)

    recipients = sorted(str(m["To"]) for m in smtp_server.messages)
    assert recipients == sorted(f"f{i}@example.org" for i in range(12))
    assert fanout.run_mailing(mailing.pk) == fanout.Progress(
        fanout.DONE
    )  # once finished, running again sends nothing
    assert len(smtp_server.messages) == 12


def test_with_several_connections_a_crash_and_a_restart_still_mail_everyone_exactly_once(
    smtp_server, monkeypatch
):
    followers(20)
    FollowerSettings.objects.update_or_create(pk=1, defaults={"batch_size": 8, "connections": 3})
    monkeypatch.setattr(fanout, "start_mailing", lambda post: None)
    mailing = NewPostMailing.objects.create(post=make_post("Side by side"))
    with pytest.raises(Crash):
        fanout.run_mailing(mailing.pk, connect=dies_after(6))
    assert len(smtp_server.messages) == Delivery.objects.count() == 6
    NewPostMailing.objects.filter(pk=mailing.pk).update(lease_until=None)
    assert fanout.run_mailing(mailing.pk) == fanout.Progress(fanout.DONE)
    recipients = sorted(str(m["To"]) for m in smtp_server.messages)
    assert recipients == sorted(f"f{i}@example.org" for i in range(20))


def test_a_second_worker_does_not_send_while_the_first_holds_the_mailing(smtp_server, monkeypatch):
    followers(2)
    monkeypatch.setattr(fanout, "start_mailing", lambda post: None)
    mailing = NewPostMailing.objects.create(post=make_post())
    assert fanout.claim(mailing)
    assert fanout.run_mailing(mailing.pk) == fanout.Progress(fanout.BUSY)
    assert smtp_server.messages == []


def test_every_confirmed_instant_follower_gets_one_mail_in_batches(smtp_server):
    followers(7)
    Follower.objects.create(email="waiting@example.org")
    Follower.objects.create(email="gone@example.org", status=Follower.Status.UNSUBSCRIBED)
    Follower.objects.create(
        email="weekly@example.org", status=Follower.Status.CONFIRMED, frequency=Follower.Frequency.WEEKLY
    )
    FollowerSettings.objects.update_or_create(pk=1, defaults={"batch_size": 3})
    make_post("News")
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [f"f{i}@example.org" for i in range(7)]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Post.Status.PRIVATE},
        {"password": "secret"},
        {"kind": Post.Kind.PAGE},
        {"published_at": timezone.now() - timedelta(days=3)},  # a back-dated or imported post
        {"status": Post.Status.DRAFT},
    ],
)
def test_posts_readers_should_not_be_mailed_about_send_nothing(smtp_server, fields):
    followers(2)
    make_post("Not for mail", **fields)
    assert smtp_server.messages == []
    assert not NewPostMailing.objects.exists()


def test_a_scheduled_post_is_mailed_when_its_time_comes(smtp_server):
    followers(1)
    post = make_post("Later", published_at=timezone.now() + timedelta(hours=2))
    assert post.status == Post.Status.SCHEDULED and smtp_server.messages == []
    blog.publish_due_posts(now=timezone.now() + timedelta(hours=3))
    assert [m["Subject"] for m in smtp_server.messages] == ["[My Sampan Blog] Later"]


def test_a_post_taken_down_and_published_again_is_not_mailed_twice(smtp_server):
    followers(1)
    post = make_post("Twice")
    post.status = Post.Status.DRAFT
    blog.save_post(post, previous_status=Post.Status.PUBLISHED)
    post.status = Post.Status.PUBLISHED
    blog.save_post(post, previous_status=Post.Status.DRAFT)
    assert len(smtp_server.messages) == 1


def test_a_refused_address_is_recorded_as_a_bounce_and_the_others_still_get_theirs(smtp_server):
    followers(3)
    smtp_server.refused.add("f1@example.org")
    FollowerSettings.objects.update_or_create(pk=1, defaults={"stop_after_bounces": 1})
    make_post("Bounce")
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["f0@example.org", "f2@example.org"]
    bounced = Follower.objects.get(email="f1@example.org")
    assert (bounced.status, bounced.hard_bounces) == (Follower.Status.BOUNCING, 1)
    assert Delivery.objects.get(follower=bounced).outcome == Delivery.Outcome.BOUNCED
    smtp_server.clear()
    make_post("After the bounce")
    assert "f1@example.org" not in [str(m["To"]) for m in smtp_server.messages]


def test_the_owner_chooses_full_text_or_excerpt(smtp_server):
    followers(1)
    make_post("Short", body="First words. " + "More words. " * 100, excerpt="Just the gist.")
    text = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "Just the gist." in text and "More words. More words." not in text
    FollowerSettings.objects.update_or_create(pk=1, defaults={"full_text": True})
    smtp_server.clear()
    make_post("Long", body="First words. " + "More words. " * 100, excerpt="Just the gist.")
    text = smtp_server.messages[0].get_body(preferencelist=("plain",)).get_content()
    assert "More words. More words." in text


def test_a_title_with_line_breaks_cannot_add_headers(smtp_server):
    followers(1)
    author = make_user()
    post = Post(title="Hello\r\nBcc: victim@example.net", author=author, status=Post.Status.PUBLISHED)
    blog.save_post(post)
    [message] = smtp_server.messages
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"] and "Bcc: victim" in message["Subject"]


def test_links_in_the_mail_go_straight_to_the_site(smtp_server):
    followers(1)
    FollowerSettings.objects.update_or_create(pk=1, defaults={"full_text": True})
    make_post("Links", body="See [the archive](/2020/) and [elsewhere](https://example.net/page).")
    html = smtp_server.messages[0].get_body(preferencelist=("html",)).get_content()
    assert 'href="http://127.0.0.1:8000/2020/"' in html
    assert 'href="https://example.net/page"' in html


def test_titles_and_addresses_beyond_ascii_arrive_intact(smtp_server):
    Follower.objects.create(
        email="leser@bücher.example",
        status=Follower.Status.CONFIRMED,
        confirmed_at=timezone.now() - timedelta(1),
    )
    make_post("Café au lait ☕ on the Mekong", body="Ça va? Très bien — merci.")
    [message] = smtp_server.messages
    assert message["Subject"] == "[My Sampan Blog] Café au lait ☕ on the Mekong"
    assert "xn--bcher-kva.example" in str(message["To"])
    assert "Ça va? Très bien — merci." in message.get_body(preferencelist=("plain",)).get_content()


def test_mail_held_up_by_a_mail_server_that_is_down_goes_out_when_it_is_back(smtp_server, settings):
    followers(3)
    settings.EMAIL_PORT = free_port()  # nothing listens there
    post = make_post("While the server was down")
    assert Post.objects.get(pk=post.pk).status == Post.Status.PUBLISHED  # publishing itself worked
    mailing = NewPostMailing.objects.get(post=post)
    assert mailing.finished_at is None and smtp_server.messages == []

    settings.EMAIL_PORT = smtp_server.port
    NewPostMailing.objects.filter(pk=mailing.pk).update(started_at=mailing.started_at - fanout.LEASE * 2)
    followers_housekeeping.enqueue()  # what the worker runs every few minutes
    assert sorted(str(m["To"]) for m in smtp_server.messages) == [f"f{i}@example.org" for i in range(3)]
    assert NewPostMailing.objects.get().finished_at is not None


def test_with_a_rate_the_owner_chose_the_mail_goes_out_in_minute_sized_batches(smtp_server, monkeypatch):
    followers(5)
    FollowerSettings.objects.update_or_create(pk=1, defaults={"messages_per_minute": 2, "batch_size": 100})
    monkeypatch.setattr(fanout, "start_mailing", lambda post: None)
    mailing = NewPostMailing.objects.create(post=make_post("Slowly"))
    progress = fanout.run_mailing(mailing.pk)
    assert progress.state == fanout.MORE and 0 < progress.resume_in <= 60
    assert len(smtp_server.messages) == 2
