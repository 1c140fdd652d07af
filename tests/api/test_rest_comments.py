"""REST API, comments: what readers see, what writers moderate, replies, and what the site shows afterwards."""

import pytest

from sampan.comments.models import Comment
from tests.api.test_rest_support import writer
from tests.factories import make_post

from .comment_helpers import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status


def _ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()]


def test_readers_see_only_approved_comments_on_public_posts_without_emails(client):
    post = make_post("Boats")
    shown = make_comment(post, "Lovely *boats*", author_url="https://mia.example")
    for status in (Status.PENDING, Status.SPAM, Status.TRASH):
        make_comment(post, f"Hidden {status}", status=status)
    make_comment(make_post("Draft", status="draft"), "On a draft")
    make_comment(make_post("Protected", password="pw"), "Behind a password")
    response = client.get("/api/comments/")
    assert _ids(response) == [shown.pk]
    body = response.json()[0]
    assert body["post"] == post.pk and body["status"] == "approved" and body["kind"] == "comment"
    assert body["author_name"] == "Mia" and body["author_url"] == "https://mia.example"
    assert body["author_email"] is None and body["content"]["raw"] is None
    assert "<em>boats</em>" in body["content"]["rendered"]
    assert body["link"].endswith(f"{post.get_absolute_url()}#comment-{shown.pk}")
    assert "mia@example.org" not in response.content.decode()
    hidden = Comment.objects.exclude(pk=shown.pk).earliest("id")
    assert client.get(f"/api/comments/{hidden.pk}/").status_code == 404
    assert client.get(f"/api/comments/{shown.pk}/").json()["id"] == shown.pk
    assert client.get("/api/comments/?status=pending").status_code == 401


def test_mentions_are_listed_with_their_kind(client):
    post = make_post()
    make_comment(post, "A comment")
    ping = make_comment(post, "Linked", kind=Comment.Kind.WEBMENTION, source_url="https://example.com/a")
    Comment.objects.filter(pk=ping.pk).update(mention_type=Comment.MentionType.REPLY)
    found = client.get("/api/comments/?kind=webmention").json()
    assert [c["id"] for c in found] == [ping.pk]
    assert found[0]["source_url"] == "https://example.com/a" and found[0]["mention_type"] == "reply"


def test_an_author_lists_and_moderates_only_comments_on_their_own_posts(client):
    author, headers = writer("Author")
    mine, theirs = make_post("Mine", author=author), make_post("Theirs")
    held = make_comment(mine, "Please approve", status=Status.PENDING)
    spam = make_comment(mine, "Cheap pills", status=Status.SPAM)
    other_held = make_comment(theirs, "Not yours", status=Status.PENDING)
    other_public = make_comment(theirs, "Public elsewhere")
    assert set(_ids(client.get("/api/comments/", headers=headers))) == {held.pk, other_public.pk}
    assert _ids(client.get("/api/comments/?status=spam", headers=headers)) == [spam.pk]
    body = client.get(f"/api/comments/{held.pk}/", headers=headers).json()
    assert body["author_email"] == "mia@example.org" and body["content"]["raw"] == "Please approve"
    assert client.get(f"/api/comments/{other_public.pk}/", headers=headers).json()["author_email"] is None
    assert client.get(f"/api/comments/{other_held.pk}/", headers=headers).status_code == 404
    refused = client.patch(f"/api/comments/{other_public.pk}/", {"status": "spam"},
                           content_type="application/json", headers=headers)  # fmt: skip
    assert refused.status_code == 403 and refused.json() == {"message": "You may not moderate this comment."}
    assert client.delete(f"/api/comments/{other_public.pk}/", headers=headers).status_code == 403
    other_public.refresh_from_db()
    assert other_public.status == Status.APPROVED


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_editors_and_administrators_moderate_everyones_comments(client, role):
    _, headers = writer(role)
    held = make_comment(make_post(), status=Status.PENDING)
    assert _ids(client.get("/api/comments/?status=pending", headers=headers)) == [held.pk]
    response = client.patch(f"/api/comments/{held.pk}/", {"status": "spam"}, content_type="application/json",
                            headers=headers)  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "spam"


def test_approving_shows_the_comment_to_readers_and_in_the_posts_comment_feed(client):
    author, headers = writer("Author")
    post = make_post("Harbour", author=author)
    held = make_comment(post, "Lovely harbour", status=Status.PENDING)
    feed = f"{post.get_absolute_url()}feed/"
    assert "Lovely harbour" not in client.get(feed).content.decode()
    response = client.patch(f"/api/comments/{held.pk}/", {"status": "approved"}, content_type="application/json",
                            headers=headers)  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "approved"
    held.refresh_from_db()
    assert held.learned_as == "ham"
    assert _ids(client.get("/api/comments/")) == [held.pk]
    assert "Lovely harbour" in client.get(feed).content.decode()


def test_patch_edits_the_text_and_refuses_bad_fields_with_their_names(client):
    author, headers = writer("Author")
    comment = make_comment(make_post(author=author), "Typo'd")

    def patch(data: dict):  # type: ignore[no-untyped-def]
        return client.patch(
            f"/api/comments/{comment.pk}/", data, content_type="application/json", headers=headers
        )

    edited = patch({"content": "Fixed **now**", "author_name": "Mia K."})
    assert edited.status_code == 200, edited.content
    assert "<strong>now</strong>" in edited.json()["content"]["rendered"]
    assert edited.json()["author_name"] == "Mia K." and edited.json()["status"] == "approved"
    for bad, field in (({"content": ""}, "content"), ({"status": "approve"}, "status"),
                       ({"author_url": "javascript:alert(1)"}, "author_url"), ({"colour": "red"}, "colour"),
                       ({"content": "   "}, "content")):  # fmt: skip
        response = patch(bad)
        assert response.status_code == 422, (bad, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    comment.refresh_from_db()
    assert comment.body == "Fixed **now**"


def test_delete_trashes_and_force_deletes(client):
    author, headers = writer("Author")
    comment = make_comment(make_post(author=author))
    assert client.delete(f"/api/comments/{comment.pk}/", headers=headers).status_code == 204
    comment.refresh_from_db()
    assert comment.status == Status.TRASH
    assert client.get(f"/api/comments/{comment.pk}/").status_code == 404
    assert client.delete(f"/api/comments/{comment.pk}/?force=true", headers=headers).status_code == 204
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert client.delete(f"/api/comments/{comment.pk}/", headers=headers).status_code == 404
    assert client.delete(f"/api/comments/{comment.pk}/").status_code == 401


def test_a_writer_replies_under_their_own_name(client):
    author, headers = writer("Author")
    post = make_post("Boats", author=author)
    question = make_comment(post, "Which boat?")
    response = client.post("/api/comments/", {"post": post.pk, "content": "The green one.", "parent": question.pk},
                           content_type="application/json", headers=headers)  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent"] == question.pk and body["user"] == author.pk
    assert body["author_name"] == author.username and body["status"] == "approved"
    assert "The green one." in client.get(f"{post.get_absolute_url()}feed/").content.decode()


def test_replies_are_refused_clearly(client):
    author, headers = writer("Author")
    post = make_post(author=author)

    def post_comment(data: dict):  # type: ignore[no-untyped-def]
        return client.post("/api/comments/", data, content_type="application/json", headers=headers)

    assert client.post("/api/comments/", {"post": post.pk, "content": "Hi"},
                       content_type="application/json").status_code == 401  # fmt: skip
    for data, field in (({"post": 999_999, "content": "Hi"}, "post"),
                        ({"post": make_post(status="draft").pk, "content": "Hi"}, "post"),
                        ({"post": post.pk, "content": "Hi", "parent": 999_999}, "parent"),
                        ({"post": post.pk, "content": "  "}, "content"),
                        ({"post": post.pk}, "content")):  # fmt: skip
        response = post_comment(data)
        assert response.status_code == 422, (data, response.content)
        assert [e["field"] for e in response.json()["errors"]] == [field]
    closed = post_comment({"post": make_post(author=author, comments_open=False).pk, "content": "Hi"})
    assert closed.status_code == 403 and closed.json()["message"] == "Comments are closed on this post."
    assert not Comment.objects.exists()


def test_lists_filter_paginate_and_answer_etags(client):
    post, other = make_post(), make_post()
    comments = [make_comment(post, f"Comment {n} about sails", minutes_ago=60 - n) for n in range(3)]
    make_comment(other, "Elsewhere")
    first = client.get(f"/api/comments/?post={post.pk}&per_page=2")
    assert _ids(first) == [comments[2].pk, comments[1].pk]
    assert first["X-Total-Count"] == "3" and first["X-Total-Pages"] == "2" and 'rel="next"' in first["Link"]
    assert _ids(client.get(f"/api/comments/?post={post.pk}&per_page=2&page=2")) == [comments[0].pk]
    assert _ids(client.get("/api/comments/?search=elsewhere")) == [Comment.objects.get(post=other).pk]
    after = comments[1].created_at.isoformat().replace("+00:00", "Z")
    assert _ids(client.get("/api/comments/", {"after": after, "post": post.pk})) == [comments[2].pk]
    again = client.get(f"/api/comments/?post={post.pk}", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200  # a different list, a different tag
    same = client.get(f"/api/comments/?post={post.pk}&per_page=2", headers={"If-None-Match": first["ETag"]})
    assert same.status_code == 304
    assert client.get("/api/comments/?status=maybe").status_code == 422


def test_posts_carry_their_approved_comment_count(client):
    post, quiet = make_post("Talked about"), make_post("Quiet")
    make_comment(post)
    make_comment(post, kind=Comment.Kind.PINGBACK, source_url="https://example.com/p")
    make_comment(post, status=Status.PENDING)
    counts = {p["id"]: p["comment_count"] for p in client.get("/api/posts/").json()}
    assert counts == {post.pk: 2, quiet.pk: 0}
    assert client.get(f"/api/posts/{post.pk}/").json()["comment_count"] == 2
