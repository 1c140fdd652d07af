"""Follow-up comment mail, and "notify me of new posts" from the comment form."""

import pytest
from django.core import mail

from sampan.comments import services as comments
from sampan.comments.models import Comment, DiscussionSettings
from sampan.followers import links
from sampan.followers.models import Follower
from tests.factories import make_post

from .conftest import link_in, local_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_post(db):  # type: ignore[no-untyped-def]
    DiscussionSettings.objects.update_or_create(pk=1, defaults={"require_name_email": True})
    return make_post("Talk about rivers")


def _comment(post, email, *, notify=False, follow=False, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        comment = comments.submit_comment(
            post=post, body=f"A thought from {email}", author_name=email.split("@")[0], author_email=email,
            notify_followups=notify, follow_blog=follow,
        )  # fmt: skip
    with capture(execute=True):
        if comment.status != Comment.Status.APPROVED:
            comments.approve_comment(comment)
    return comment


def test_a_commenter_who_asked_gets_one_mail_per_new_comment_and_can_stop_them(
    client, smtp_server, open_post, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _comment(open_post, "ann@example.org", notify=True, capture=capture)
    assert smtp_server.to("ann@example.org") == []  # nothing about her own comment

    _comment(open_post, "bob@example.org", capture=capture)
    [message] = smtp_server.to("ann@example.org")
    assert "Talk about rivers" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "A thought from bob@example.org" in message.get_body(preferencelist=("plain",)).get_content()

    stop = local_path(link_in(message, "/follow/stop-comments/"))
    assert "Stop mail about new comments?" in client.get(stop).text
    assert "No more comment mail" in client.post(stop).text
    assert "No more comment mail" in client.post(stop).text  # a second click: same page

    smtp_server.clear()
    _comment(open_post, "cy@example.org", capture=capture)
    assert smtp_server.to("ann@example.org") == []


def test_the_manage_page_lists_and_stops_comment_mail(
    client, smtp_server, open_post, django_capture_on_commit_callbacks
):
    _comment(open_post, "ann@example.org", notify=True, capture=django_capture_on_commit_callbacks)
    path = local_path(links.url("manage", email="ann@example.org"))
    page = client.get(path)
    assert "Talk about rivers" in page.text
    client.post(path, {"action": "stop_comments", "post": open_post.pk})
    assert "You get no mail about new comments." in client.get(path).text


def test_ticking_notify_me_of_new_posts_starts_the_double_opt_in(
    open_post, django_capture_on_commit_callbacks
):
    _comment(open_post, "dee@example.org", follow=True, capture=django_capture_on_commit_callbacks)
    follower = Follower.objects.get(email="dee@example.org")
    assert (follower.status, follower.source) == (Follower.Status.PENDING, Follower.Source.COMMENT)
    assert any("/follow/confirm/" in m.body for m in mail.outbox if m.to == ["dee@example.org"])
