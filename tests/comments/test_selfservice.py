"""The commenter's own link: edit for 15 minutes, delete; and export or erase everything kept about an address."""

import json
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sampan.comments import links, selfservice, services, tasks
from sampan.comments.models import Comment
from tests.comments import smtp
from tests.comments.smtp import Inbox
from tests.factories import make_post

pytestmark = pytest.mark.django_db
inbox = smtp.inbox  # the fixture: a real SMTP server
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
REQUEST = "/comments/your-data/"


def comment_on(post, body="Lovely post.", email="ann@example.org", **fields):
    fields.setdefault("author_name", "Ann")
    return services.submit_comment(post=post, body=body, author_email=email, **fields)


def age(comment: Comment, minutes: int) -> None:
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    comment.refresh_from_db()


# -- the manage link ------------------------------------------------------------------------------------
def test_manage_url_is_a_full_address_to_the_comment_page():
    comment = comment_on(make_post())
    url = selfservice.manage_url(comment)
    assert url.startswith("http") and url.endswith(selfservice.manage_path(comment))
    assert selfservice.manage_path(comment).startswith("/comments/manage/")


def test_the_commenter_edits_within_15_minutes(client):
    post = make_post()
    comment = services.approve_comment(comment_on(post, "Teh river"))
    path = selfservice.manage_path(comment)
    page = client.get(path).content.decode()
    assert "Teh river" in page and "Save my changes" in page
    response = client.post(path, {"action": "edit", "body": "The *river*"}, headers=SAME_ORIGIN)
    assert "Your comment is updated" in response.content.decode()
    assert "<em>river</em>" in Client().get(post.get_absolute_url()).content.decode()


def test_after_15_minutes_the_text_can_no_longer_change(client):
    comment = comment_on(make_post(), "Teh river")
    age(comment, 16)
    path = selfservice.manage_path(comment)
    assert "The 15 minutes for changing it have passed" in client.get(path).content.decode()
    response = client.post(path, {"action": "edit", "body": "Changed later"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert "The 15 minutes for editing this comment have passed." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Teh river"


def test_the_edit_window_is_a_service_rule_with_a_clock():
    comment = comment_on(make_post())
    assert services.commenter_may_edit(comment, now=comment.created_at + timedelta(minutes=15))
    assert not services.commenter_may_edit(comment, now=comment.created_at + timedelta(minutes=15, seconds=1))
    with pytest.raises(services.CommentRejected):
        services.edit_own_comment(comment, body="Late", now=comment.created_at + timedelta(minutes=20))


def test_an_empty_edit_is_refused_with_a_message(client):
    comment = comment_on(make_post(), "Teh river")
    response = client.post(
        selfservice.manage_path(comment), {"action": "edit", "body": "  "}, headers=SAME_ORIGIN
    )
    assert response.status_code == 400
    assert "Please type a comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Teh river"


def test_an_edit_that_turns_spammy_goes_back_to_the_queue(client):
    post = make_post()
    comment = services.approve_comment(comment_on(post, "Nice walk."))
    links_galore = "https://a.example/ https://b.example/ https://c.example/"
    client.post(
        selfservice.manage_path(comment), {"action": "edit", "body": links_galore}, headers=SAME_ORIGIN
    )
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Edited by the commenter after approval." in comment.moderation_reasons


def test_the_commenter_deletes_their_comment_even_after_the_edit_window(client):
    comment = comment_on(make_post())
    age(comment, 60)
    path = selfservice.manage_path(comment)
    assert client.get(path).status_code == 200
    assert Comment.objects.filter(pk=comment.pk).exists()  # opening the link deletes nothing
    response = client.post(path, {"action": "delete"}, headers=SAME_ORIGIN)
    assert "Your comment is deleted" in response.content.decode()
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert client.get(path).status_code == 404


def test_a_manage_post_from_another_site_is_refused(client):
    comment = comment_on(make_post())
    response = client.post(
        selfservice.manage_path(comment), {"action": "delete"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_tampered_or_expired_manage_link_is_refused(client, monkeypatch):
    comment = comment_on(make_post())
    other = comment_on(make_post(), email="bo@example.org")
    token = links.manage_token(comment.pk)
    rest = token.split(":", 1)[1]
    forged = links.manage_token(other.pk).split(":", 1)[0] + ":" + rest  # another comment's id, old signature
    response = client.post(f"/comments/manage/{forged}/", {"action": "delete"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    old = time.time() - 31 * 86400
    monkeypatch.setattr(time, "time", lambda: old)
    stale = links.manage_token(comment.pk)
    monkeypatch.undo()
    response = client.post(f"/comments/manage/{stale}/", {"action": "delete"}, headers=SAME_ORIGIN)
    assert response.status_code == 403 and b"This link has expired" in response.content
    assert Comment.objects.count() == 2


# -- personal data by mail ------------------------------------------------------------------------------
def data_link(inbox: Inbox, email: str) -> str:
    [mail] = inbox.to(email)
    match = re.search(r"^(http\S+)$", Inbox.text(mail), re.MULTILINE)
    assert match, Inbox.text(mail)
    return urlsplit(match.group(1)).path


def test_the_request_page_answers_the_same_for_known_and_unknown_addresses(client, inbox: Inbox):
    comment_on(make_post(), email="ann@example.org")
    known = client.post(REQUEST, {"email": "ann@example.org"}, headers=SAME_ORIGIN)
    unknown = client.post(REQUEST, {"email": "nobody@example.org"}, headers=SAME_ORIGIN)
    assert known.status_code == unknown.status_code == 200
    assert known.content.replace(b"ann@example.org", b"X") == unknown.content.replace(
        b"nobody@example.org", b"X"
    )
    assert "If we have anything stored about" in known.content.decode()
    assert len(inbox.to("ann@example.org")) == 1
    assert inbox.to("nobody@example.org") == []  # nothing kept, so no mail


def test_the_mailed_link_downloads_everything_as_json(client, inbox: Inbox):
    comment_on(make_post("Rivers at dusk"), "First thought", email="Ann@Example.org")
    comment_on(make_post(), "Not hers", email="bo@example.org")
    client.post(REQUEST, {"email": "ann@example.org"}, headers=SAME_ORIGIN)
    path = data_link(inbox, "ann@example.org")
    page = client.get(path).content.decode()
    assert "1 comment" in page and "Download it all (JSON)" in page
    download = client.get(path + "download/")
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert [c["comment"] for c in data["comments"]] == ["First thought"]


def test_the_mailed_link_erases_only_after_the_button(client, inbox: Inbox):
    comment_on(make_post(), "First thought", email="ann@example.org")
    keep = comment_on(make_post(), "Not hers", email="bo@example.org")
    client.post(REQUEST, {"email": "ann@example.org"}, headers=SAME_ORIGIN)
    path = data_link(inbox, "ann@example.org")
    client.get(path)
    assert Comment.objects.filter(author_email="ann@example.org").exists()
    response = client.post(path, headers=SAME_ORIGIN)
    assert "is gone (1 record)." in response.content.decode()
    assert list(Comment.objects.all()) == [keep]


def test_an_invalid_address_is_shown_again_with_a_message(client):
    response = client.post(REQUEST, {"email": "not-an-address"}, headers=SAME_ORIGIN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'value="not-an-address"' in html


def test_requests_are_rate_limited(client, inbox: Inbox):
    comment_on(make_post(), email="ann@example.org")
    codes = [
        client.post(REQUEST, {"email": "ann@example.org"}, headers=SAME_ORIGIN).status_code for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert len(inbox.to("ann@example.org")) == 3


def test_a_request_from_another_site_is_refused(client, inbox: Inbox):
    comment_on(make_post(), email="ann@example.org")
    response = client.post(REQUEST, {"email": "ann@example.org"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert inbox.messages == []


def test_a_tampered_or_expired_data_link_is_refused(client, monkeypatch):
    comment_on(make_post(), email="ann@example.org")
    token = links.personal_data_token("ann@example.org")
    assert client.get(f"/comments/your-data/{token[:-2]}xx/").status_code == 400
    old = time.time() - 2 * 86400
    monkeypatch.setattr(time, "time", lambda: old)
    stale = links.personal_data_token("ann@example.org")
    monkeypatch.undo()
    response = client.post(f"/comments/your-data/{stale}/", headers=SAME_ORIGIN)
    assert response.status_code == 403 and b"This link has expired" in response.content
    assert client.get(f"/comments/your-data/{stale}/download/").status_code == 403
    assert Comment.objects.count() == 1


def test_the_task_queue_never_holds_the_address_asked_for(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    comment_on(make_post(), email="ann@example.org")
    for email in ("ann@example.org", "nobody@example.org"):
        client.post(REQUEST, {"email": email}, headers=SAME_ORIGIN)
    rows = DBTaskResult.objects.filter(task_path=tasks.send_personal_data_link.module_path)
    queued = [json.dumps(row.args_kwargs) for row in rows]
    assert len(queued) == 2
    assert not any("@" in args for args in queued)
