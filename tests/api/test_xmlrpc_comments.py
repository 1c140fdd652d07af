"""WordPress's comment methods over XML-RPC: listing, reading, moderating, replying and counting, by role."""

import xmlrpc.client
from datetime import UTC, datetime

import pytest

from sampan.comments.models import Comment, SpamWord
from tests.factories import make_post

from .comment_helpers import make_comment
from .xmlrpc_helpers import call, fault_of, result_of, writer

pytestmark = pytest.mark.django_db

Status = Comment.Status


def test_get_comments_lists_the_comments_on_an_authors_own_posts_newest_first(client):
    ana, password = writer("ana")
    mine = make_post("Boats", author=ana)
    older = make_comment(mine, "First!", minutes_ago=30)
    newer = make_comment(mine, "Held one", status=Status.PENDING, minutes_ago=5)
    make_comment(make_post("Someone else's"), "Not yours")
    found = result_of(call(client, "wp.getComments", 1, "ana", password, {}))
    assert [c["comment_id"] for c in found] == [str(newer.pk), str(older.pk)]
    first = found[1]
    assert first["content"] == "First!" and first["status"] == "approve"
    assert first["post_id"] == str(mine.pk) and first["post_title"] == "Boats"
    assert first["author"] == "Mia" and first["author_email"] == "mia@example.org"
    assert first["author_ip"] == "" and first["type"] == "" and first["parent"] == "0"
    assert first["link"].endswith(f"{mine.get_absolute_url()}#comment-{older.pk}")
    assert isinstance(first["date_created_gmt"], datetime)
    assert first["date_created_gmt"].replace(tzinfo=UTC) == older.created_at.replace(microsecond=0)
    assert found[0]["status"] == "hold"


def test_get_comments_filters_by_status_post_type_number_and_offset(client):
    ana, password = writer("ana")
    post, other = make_post(author=ana), make_post(author=ana)
    spam = make_comment(post, "Cheap pills", status=Status.SPAM)
    ping = make_comment(post, "Linked here", kind=Comment.Kind.PINGBACK, source_url="https://example.com/a")
    webmention = make_comment(post, "Liked", kind=Comment.Kind.WEBMENTION, source_url="https://example.com/b")
    make_comment(other, "Elsewhere")
    make_comment(post, "Binned", status=Status.TRASH)

    def ids(filters: dict) -> list[str]:
        return [
            c["comment_id"] for c in result_of(call(client, "wp.getComments", 1, "ana", password, filters))
        ]

    assert ids({"status": "spam"}) == [str(spam.pk)]
    # The pingback and the webmention: spam and trash only when asked for.
    assert len(ids({"post_id": post.pk})) == 2
    assert set(ids({"comment_type": "pings"})) == {str(ping.pk), str(webmention.pk)}
    assert ids({"comment_type": "webmention"}) == [str(webmention.pk)]
    assert len(ids({"number": 2})) == 2 and len(ids({"number": 2, "offset": 2})) == 1
    struct = result_of(call(client, "wp.getComment", 1, "ana", password, ping.pk))
    assert struct["type"] == "pingback" and struct["author_url"] == "https://example.com/a"
    assert fault_of(call(client, "wp.getComments", 1, "ana", password, {"status": "maybe"})) == (
        401,
        "Invalid comment status.",
    )
    assert fault_of(call(client, "wp.getComments", 1, "ana", password, {"comment_type": "x"}))[0] == -32602


def test_an_author_cannot_see_or_moderate_comments_on_anothers_post(client):
    _, password = writer("ana")
    theirs = make_post("Theirs")
    comment = make_comment(theirs, status=Status.PENDING)
    refusal = (403, "Sorry, you are not allowed to moderate or edit this comment.")
    assert fault_of(call(client, "wp.getComment", 1, "ana", password, comment.pk)) == refusal
    assert (
        fault_of(call(client, "wp.editComment", 1, "ana", password, comment.pk, {"status": "approve"}))
        == refusal
    )
    assert fault_of(call(client, "wp.deleteComment", 1, "ana", password, comment.pk))[0] == 403
    assert fault_of(call(client, "wp.getComments", 1, "ana", password, {"post_id": theirs.pk}))[0] == 403
    assert fault_of(call(client, "wp.getCommentCount", 1, "ana", password, theirs.pk))[0] == 403
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


@pytest.mark.parametrize("role", ["Editor", "Administrator"])
def test_editors_and_administrators_moderate_everyones_comments(client, role):
    _, password = writer("root", role=role)
    comment = make_comment(make_post("Anyone's"), status=Status.PENDING)
    assert [c["comment_id"] for c in result_of(call(client, "wp.getComments", 1, "root", password))] == [
        str(comment.pk)
    ]
    assert result_of(call(client, "wp.editComment", 1, "root", password, comment.pk, {"status": "approve"}))
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_unknown_comments_and_bad_logins_answer_wordpress_faults(client):
    _, password = writer("ana")
    for name, extra in (("wp.getComment", ()), ("wp.deleteComment", ()), ("wp.editComment", ({},))):
        assert fault_of(call(client, name, 1, "ana", password, 99999, *extra)) == (404, "Invalid comment ID.")
    assert fault_of(call(client, "wp.getComment", 1, "ana", password, "nope")) == (404, "Invalid comment ID.")
    assert fault_of(call(client, "wp.getComments", 1, "ana", "wrong", {})) == (
        403,
        "Incorrect username or password.",
    )


def test_approving_teaches_the_classifier_and_shows_the_comment_to_readers(client):
    ana, password = writer("ana")
    post = make_post("Harbour", author=ana)
    comment = make_comment(post, "Lovely harbour photographs", status=Status.PENDING)
    assert "Lovely harbour" not in client.get(f"{post.get_absolute_url()}feed/").content.decode()
    assert result_of(call(client, "wp.editComment", 1, "ana", password, comment.pk, {"status": "approve"}))
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED and comment.learned_as == "ham"
    assert SpamWord.objects.filter(word="harbour", ham=1).exists()
    assert "Lovely harbour" in client.get(f"{post.get_absolute_url()}feed/").content.decode()


def test_edit_comment_changes_only_the_fields_sent(client):
    ana, password = writer("ana")
    comment = make_comment(make_post(author=ana), "Typo'd text", author_url="https://mia.example")
    when = xmlrpc.client.DateTime("20240301T10:00:00")
    changes = {"content": "Fixed text", "author": "Mia K.", "author_email": "mia@k.example",
               "date_created_gmt": when}  # fmt: skip
    assert result_of(call(client, "wp.editComment", 1, "ana", password, comment.pk, changes)) is True
    comment.refresh_from_db()
    assert (comment.body, comment.author_name, comment.author_email) == (
        "Fixed text",
        "Mia K.",
        "mia@k.example",
    )
    assert "Fixed text" in comment.body_html and comment.author_url == "https://mia.example"
    assert comment.created_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert comment.status == Status.APPROVED


def test_edit_comment_refuses_bad_values_and_changes_nothing(client):
    ana, password = writer("ana")
    comment = make_comment(make_post(author=ana), "Keep me", status=Status.PENDING)
    for bad in ({"content": "   "}, {"author_email": "not an email", "status": "approve"},
                {"author_url": "javascript:alert(1)"}, {"status": "approved"}):  # fmt: skip
        code, _ = fault_of(call(client, "wp.editComment", 1, "ana", password, comment.pk, bad))
        assert code in (401, 403)
    far = {"date_created_gmt": xmlrpc.client.DateTime("00010101T00:00:00")}
    assert fault_of(call(client, "wp.editComment", 1, "ana", password, comment.pk, far))[0] == 400
    comment.refresh_from_db()
    assert (comment.body, comment.status, comment.author_email) == (
        "Keep me",
        Status.PENDING,
        "mia@example.org",
    )


def test_delete_comment_trashes_first_then_deletes(client):
    ana, password = writer("ana")
    comment = make_comment(make_post(author=ana))
    assert result_of(call(client, "wp.deleteComment", 1, "ana", password, comment.pk)) is True
    comment.refresh_from_db()
    assert comment.status == Status.TRASH
    assert result_of(call(client, "wp.deleteComment", 1, "ana", password, comment.pk)) is True
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_new_comment_is_a_signed_in_writers_reply_under_their_own_name(client):
    ana, password = writer("ana")
    post = make_post("Boats", author=ana)
    question = make_comment(post, "Which boat?")
    reply_id = result_of(
        call(client, "wp.newComment", 1, "ana", password, post.pk,
             {"content": "The green one.", "comment_parent": question.pk, "author": "Someone Else"})
    )  # fmt: skip
    reply = Comment.objects.get(pk=reply_id)
    assert reply.parent == question and reply.user == ana and reply.author_name == "ana"
    assert reply.author_email == ana.email
    assert reply.status == Status.APPROVED  # the post's author is trusted on their own post
    assert fault_of(call(client, "wp.newComment", 1, "ana", password, post.pk, {"content": ""})) == (
        403,
        "Comment is required.",
    )
    assert fault_of(call(client, "wp.newComment", 1, "ana", password, 99999, {"content": "x"}))[0] == 404
    closed = make_post(author=ana, comments_open=False)
    assert fault_of(call(client, "wp.newComment", 1, "ana", password, closed.pk, {"content": "x"})) == (
        403,
        "Comments are closed on this post.",
    )
    draft = make_post(status="draft")
    assert fault_of(call(client, "wp.newComment", 1, "ana", password, draft.pk, {"content": "x"}))[0] == 404


def test_comment_count_and_status_list(client):
    ana, password = writer("ana")
    post = make_post(author=ana)
    for status in (Status.APPROVED, Status.APPROVED, Status.PENDING, Status.SPAM, Status.TRASH):
        make_comment(post, status=status)
    assert result_of(call(client, "wp.getCommentCount", 1, "ana", password, post.pk)) == {
        "approved": 2,
        "awaiting_moderation": 1,
        "spam": 1,
        "total_comments": 4,
    }
    assert fault_of(call(client, "wp.getCommentCount", 1, "ana", password, 99999)) == (
        404,
        "Invalid post ID.",
    )
    assert result_of(call(client, "wp.getCommentStatusList", 1, "ana", password)) == {
        "hold": "Unapproved",
        "approve": "Approved",
        "spam": "Spam",
        "trash": "Trash",
    }
