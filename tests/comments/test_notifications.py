"""The post author's mail about each new or held comment, and its signed one-click moderation links."""

import re
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from sampan.comments import links, notifications, services
from sampan.comments.models import Comment, DiscussionSettings
from tests.comments import smtp
from tests.comments.smtp import Inbox
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db
inbox = smtp.inbox  # the fixture: a real SMTP server
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def post():
    return make_post("Rivers at dusk", author=make_user("mei", role="Author"))


def comment_on(post, body="What a lovely evening that must have been.", **fields):
    fields.setdefault("author_name", "Ann Reader")
    fields.setdefault("author_email", "ann@example.org")
    fields.setdefault("author_url", "https://ann.example.net/")
    return services.submit_comment(post=post, body=body, **fields)


def submit(capture, post, **fields):
    with capture(execute=True):  # the hooks run once the comment is committed, as in a real request
        return comment_on(post, **fields)


def link_path(text: str, label: str) -> str:
    match = re.search(rf"^{label}: (\S+)$", text, re.MULTILINE)
    assert match, f"no “{label}” link in:\n{text}"
    return urlsplit(match.group(1)).path


def test_a_held_comment_mails_the_author_to_moderate_it(
    post, inbox: Inbox, django_capture_on_commit_callbacks
):
    comment = submit(django_capture_on_commit_callbacks, post)
    assert comment.status == Comment.Status.PENDING
    [mail] = inbox.to("mei@example.org")
    assert "Please moderate: “Rivers at dusk”" in mail["Subject"]
    assert mail["Reply-To"] == "ann@example.org"
    text = Inbox.text(mail)
    assert "What a lovely evening that must have been." in text
    assert "Ann Reader" in text and "ann@example.org" in text and "https://ann.example.net/" in text
    assert "First comment from this email address." in text
    assert "Spam score: not rated yet" in text
    for label in ("Approve it", "Mark it as spam", "Move it to the trash"):
        assert link_path(text, label).startswith("/comments/moderate/")
    html = Inbox.html(mail)
    assert "What a lovely evening" in html and "Approve it" in html


def test_a_published_comment_mails_new_comment_without_an_approve_link(
    post, inbox: Inbox, django_capture_on_commit_callbacks
):
    services.approve_comment(comment_on(post))  # Ann is known now: her next comment goes straight up
    submit(django_capture_on_commit_callbacks, post, body="Back again.")
    [mail] = inbox.to("mei@example.org")
    assert "New comment on “Rivers at dusk”" in mail["Subject"]
    text = Inbox.text(mail)
    assert "Approve it:" not in text
    assert "Mark it as spam:" in text and "Move it to the trash:" in text


def test_the_mail_loads_nothing_from_anywhere(post, inbox: Inbox, django_capture_on_commit_callbacks):
    submit(
        django_capture_on_commit_callbacks, post, body="Look: <img src='https://tracker.example/x.gif'> hi"
    )
    html = Inbox.html(inbox.messages[0])
    assert "<img" not in html and "src=" not in html and "<link" not in html and "url(" not in html


def test_the_author_gets_no_mail_about_their_own_comment(
    post, inbox: Inbox, django_capture_on_commit_callbacks
):
    submit(django_capture_on_commit_callbacks, post, user=post.author, author_email="mei@example.org")
    assert inbox.messages == []


def test_no_mail_when_the_owner_turned_notifications_off(
    post, inbox: Inbox, django_capture_on_commit_callbacks
):
    DiscussionSettings.objects.filter(pk=DiscussionSettings.load().pk).update(notify_author=False)
    submit(django_capture_on_commit_callbacks, post)
    assert inbox.messages == []


def test_spam_waits_in_the_queue_without_a_mail(post, inbox: Inbox, django_capture_on_commit_callbacks):
    DiscussionSettings.objects.filter(pk=DiscussionSettings.load().pk).update(blocklist="casino")
    comment = submit(django_capture_on_commit_callbacks, post, body="Best casino bonuses")
    assert comment.status == Comment.Status.SPAM
    assert inbox.messages == []


def test_with_the_database_queue_the_mail_waits_for_the_worker(
    post, inbox: Inbox, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops stale connections between tasks; here that would close the test's in-memory database.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    submit(django_capture_on_commit_callbacks, post)
    assert inbox.messages == []  # the reader's request did not wait for the mail server
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    assert len(inbox.to("mei@example.org")) == 1


def test_opening_a_moderation_link_only_asks(post, client):
    comment = comment_on(post)
    response = client.get(urlsplit(links.moderation_url(comment.pk, "approve")).path)
    assert response.status_code == 200
    assert b"Approve this comment" in response.content
    assert "no-store" in response["Cache-Control"]
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", Comment.Status.APPROVED, "is approved"),
        ("spam", Comment.Status.SPAM, "is marked as spam"),
        ("trash", Comment.Status.TRASH, "is moved to the trash"),
    ],
)
def test_pressing_the_button_moderates_the_comment(post, client, action, status, message):
    comment = comment_on(post)
    path = urlsplit(links.moderation_url(comment.pk, action)).path
    response = client.post(path, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "/admin/comments/comment/?status=pending" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == status
    if action == "spam":
        assert comment.learned_as == "spam"  # the classifier learns from the mail link as from the queue


def test_a_second_press_says_nothing_changed(post, client):
    comment = comment_on(post)
    path = urlsplit(links.moderation_url(comment.pk, "trash")).path
    client.post(path, headers=SAME_ORIGIN)
    response = client.post(path, headers=SAME_ORIGIN)
    assert "was already moved to the trash" in response.content.decode()


def test_a_tampered_link_is_refused_and_changes_nothing(post, client):
    comment = comment_on(post)
    token = links.moderation_token(comment.pk, "spam")
    forged = token.replace('"spam"', '"approve"')[:-3] + "abc"
    for method in (client.get, client.post):
        response = method(f"/comments/moderate/{forged}/", headers=SAME_ORIGIN)
        assert response.status_code == 400
        assert b"This link does not work" in response.content
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_link_for_another_purpose_is_refused(post, client):
    comment = comment_on(post)
    manage_token = links.manage_token(comment.pk)  # a commenter's link must not moderate
    response = client.post(f"/comments/moderate/{manage_token}/", headers=SAME_ORIGIN)
    assert response.status_code == 400


def test_an_expired_link_is_refused_and_changes_nothing(post, client, monkeypatch):
    comment = comment_on(post)
    eight_days_ago = time.time() - 8 * 86400
    monkeypatch.setattr(time, "time", lambda: eight_days_ago)
    path = urlsplit(links.moderation_url(comment.pk, "approve")).path
    monkeypatch.undo()
    response = client.post(path, headers=SAME_ORIGIN)
    assert response.status_code == 403
    assert b"This link has expired" in response.content
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_post_from_another_site_is_refused(post, client):
    comment = comment_on(post)
    path = urlsplit(links.moderation_url(comment.pk, "approve")).path
    response = client.post(path, headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_link_to_a_deleted_comment_says_so(post, client):
    comment = comment_on(post)
    path = urlsplit(links.moderation_url(comment.pk, "approve")).path
    services.delete_comment(comment)
    response = client.get(path)
    assert response.status_code == 404
    assert b"That comment is not here any more" in response.content


def test_a_website_that_is_not_a_web_address_is_not_linked_in_the_mail(post, inbox: Inbox):
    comment = services.import_comment(
        post=post, body="Hi", status="pending", created_at=timezone.now(),
        author_name="Old", author_email="old@example.org",
    )  # fmt: skip
    comment.author_url = "javascript:alert(1)"  # never stored by the services; an old row might hold one
    assert notifications.notify_post_author(comment)
    html = Inbox.html(inbox.messages[0])
    assert "javascript:alert(1)" in html and 'href="javascript:' not in html
