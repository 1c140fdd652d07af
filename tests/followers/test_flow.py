"""The whole path a follower takes, against a real SMTP server: follow, confirm, get a post, unsubscribe in
one click (RFC 8058's POST), get nothing more."""

import pytest

from sampan.followers.models import Follower
from tests.factories import make_post

from .conftest import SAME_ORIGIN, link_in, local_path

pytestmark = pytest.mark.django_db


def test_follow_confirm_receive_unsubscribe_in_one_click_then_nothing(client, smtp_server):
    response = client.post("/follow/", {"email": "Reader@Example.org"}, headers=SAME_ORIGIN)
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    [confirmation] = smtp_server.to("reader@example.org")
    assert "Confirm" in confirmation["Subject"]

    confirm_path = local_path(link_in(confirmation, "/follow/confirm/"))
    page = client.get(confirm_path)
    assert "Yes, follow this blog" in page.text
    assert Follower.objects.get().status == Follower.Status.PENDING  # opening the link changes nothing
    assert "You follow" in client.post(confirm_path).text
    smtp_server.clear()

    post = make_post("Down the Mekong", body="We left at dawn.\n\nThe river was wide.")
    [message] = smtp_server.to("reader@example.org")
    assert "Down the Mekong" in message["Subject"]
    assert message["Message-ID"] and message["Date"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe_url.startswith("https://") or unsubscribe_url.startswith("http://")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert post.get_absolute_url() in text and post.get_absolute_url() in html
    assert unsubscribe_url in text  # the link in the body too
    assert "<img" not in html  # no tracking pixel

    # The mail program's one-click unsubscribe: a POST from nowhere, no cookie, no CSRF token.
    client.cookies.clear()
    one_click = client.post(
        local_path(unsubscribe_url),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert Follower.objects.get().status == Follower.Status.UNSUBSCRIBED
    smtp_server.clear()

    make_post("Back upstream")
    assert smtp_server.messages == []


def test_the_unsubscribe_link_in_the_body_asks_before_it_acts(client, smtp_server):
    follower = Follower.objects.create(
        email="a@example.org", status=Follower.Status.CONFIRMED, confirmed_at=None
    )
    from sampan.followers import links

    path = local_path(links.url("unsubscribe", email=follower.email, follower_id=follower.pk))
    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe?" in page.text
    follower.refresh_from_db()
    assert follower.status == Follower.Status.CONFIRMED
    assert "You are unsubscribed" in client.post(path).text
    assert "You are unsubscribed" in client.post(path).text  # a double click: same page, nothing more
