"""REST API, mentions: received pingbacks, trackbacks and webmentions (read like comments, moderated through
/api/comments/), and the mentions our posts sent, for their writers."""

import pytest

from sampan.comments.models import Comment
from sampan.mentions.models import SentMention
from tests.api.test_rest_support import writer
from tests.factories import make_post

from .comment_helpers import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [m["id"] for m in response.json()]


def _mention(post, kind=Comment.Kind.WEBMENTION, status=Status.APPROVED, mention_type="mention", **fields):  # type: ignore[no-untyped-def]
    made = make_comment(post, "Linked here", kind=kind, status=status, source_url="https://other.example/a",
                        **fields)  # fmt: skip
    Comment.objects.filter(pk=made.pk).update(
        mention_type=mention_type if kind == Comment.Kind.WEBMENTION else ""
    )
    return made


def test_readers_see_only_approved_mentions_on_public_posts_and_no_comments(client):
    post = make_post("Boats")
    shown = _mention(post, mention_type="reply")
    ping = _mention(post, kind=Comment.Kind.PINGBACK, minutes_ago=20)
    make_comment(post, "A plain comment")
    held = _mention(post, status=Status.PENDING)
    _mention(make_post("Draft", status="draft"))
    _mention(make_post("Protected", password="pw"))
    response = client.get("/api/mentions/")
    assert _ids(response) == [shown.pk, ping.pk]
    body = response.json()[0]
    assert body["kind"] == "webmention" and body["mention_type"] == "reply"
    assert body["source_url"] == "https://other.example/a" and body["author_email"] is None
    assert "mia@example.org" not in response.content.decode()
    assert client.get(f"/api/mentions/{shown.pk}/").json()["id"] == shown.pk
    assert client.get(f"/api/mentions/{held.pk}/").status_code == 404
    comment = Comment.objects.get(kind=Comment.Kind.COMMENT)
    assert client.get(f"/api/mentions/{comment.pk}/").status_code == 404
    assert client.get("/api/mentions/?status=pending").status_code == 401


def test_mentions_filter_by_kind_type_post_status_and_date(client):
    post, other = make_post(), make_post()
    like = _mention(post, mention_type="like", minutes_ago=5)
    reply = _mention(post, mention_type="reply", minutes_ago=30)
    track = _mention(other, kind=Comment.Kind.TRACKBACK, minutes_ago=60)
    assert _ids(client.get("/api/mentions/?kind=trackback")) == [track.pk]
    assert _ids(client.get("/api/mentions/?mention_type=like")) == [like.pk]
    assert _ids(client.get(f"/api/mentions/?post={post.pk}")) == [like.pk, reply.pk]
    after = reply.created_at.isoformat().replace("+00:00", "Z")
    assert _ids(client.get("/api/mentions/", {"after": after})) == [like.pk]
    assert _ids(client.get("/api/mentions/", {"before": after})) == [track.pk]
    first = client.get("/api/mentions/?per_page=2")
    assert first["X-Total-Count"] == "3" and first["X-Total-Pages"] == "2" and 'rel="next"' in first["Link"]
    assert (
        client.get("/api/mentions/?per_page=2", headers={"If-None-Match": first["ETag"]}).status_code == 304
    )
    assert client.get("/api/mentions/?kind=comment").status_code == 422
    bad = client.get("/api/mentions/?mention_type=shout")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "mention_type"


def test_an_author_sees_held_mentions_on_their_posts_and_moderates_them_as_comments(client):
    author, headers = writer("Author")
    mine, theirs = make_post("Mine", author=author), make_post("Theirs")
    held = _mention(mine, status=Status.PENDING)
    spam = _mention(mine, kind=Comment.Kind.PINGBACK, status=Status.SPAM)
    _mention(theirs, status=Status.PENDING)
    assert _ids(client.get("/api/mentions/", headers=headers)) == [held.pk]
    assert _ids(client.get("/api/mentions/?status=spam", headers=headers)) == [spam.pk]
    assert (
        client.get(f"/api/mentions/{held.pk}/", headers=headers).json()["author_email"] == "mia@example.org"
    )
    approved = client.patch(f"/api/comments/{held.pk}/", {"status": "approved"}, content_type="application/json",
                            headers=headers)  # fmt: skip
    assert approved.status_code == 200
    assert _ids(client.get("/api/mentions/")) == [held.pk]


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_editors_and_administrators_see_every_held_mention(client, role):
    _, headers = writer(role)
    held = _mention(make_post(), status=Status.PENDING)
    assert _ids(client.get("/api/mentions/?status=pending", headers=headers)) == [held.pk]


def _sent(post, target: str, status: str = SentMention.Status.SENT) -> SentMention:  # type: ignore[no-untyped-def]
    return SentMention.objects.create(post=post, source="http://127.0.0.1:8000" + post.get_absolute_url(),
                                      target=target, endpoint=target + "webmention", protocol="webmention",
                                      status=status, response="202 Accepted", attempts=1)  # fmt: skip


def test_writers_see_the_mentions_their_own_posts_sent_and_editors_all(client):
    author, author_headers = writer("Author")
    mine, theirs = make_post("Mine", author=author), make_post("Theirs")
    ok = _sent(mine, "https://a.example/")
    failed = _sent(mine, "https://b.example/", status=SentMention.Status.FAILED)
    other = _sent(theirs, "https://c.example/")
    listed = client.get("/api/mentions/sent/", headers=author_headers)
    assert _ids(listed) == [failed.pk, ok.pk]
    body = listed.json()[1]
    assert body["post"] == mine.pk and body["target"] == "https://a.example/" and body["status"] == "sent"
    assert body["protocol"] == "webmention" and body["response"] == "202 Accepted"
    assert _ids(client.get("/api/mentions/sent/?status=failed", headers=author_headers)) == [failed.pk]
    _, editor_headers = writer("Editor")
    assert _ids(client.get("/api/mentions/sent/", headers=editor_headers)) == [other.pk, failed.pk, ok.pk]
    assert _ids(client.get(f"/api/mentions/sent/?post={theirs.pk}", headers=editor_headers)) == [other.pk]
    refused = client.get("/api/mentions/sent/")
    assert refused.status_code == 401 and "WWW-Authenticate" in refused
