"""The owner's pages: the switches, what arrived, what was sent, and sending a failed one again."""

import pytest

from sampan.mentions.models import MentionSettings, ReceivedMention, SentMention
from tests.factories import make_post, make_user

from .peers import Page, peer_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = make_user("owner", role="Administrator")
    client.force_login(user)
    return user


def test_the_owner_reads_received_and_sent_mentions(client, owner):
    post = make_post("Boats")
    ReceivedMention.objects.create(
        protocol="webmention", source="https://a.example/x", target="http://127.0.0.1:8000/b/", post=post,
        status="rejected", message="The source does not link to the target.",
    )  # fmt: skip
    SentMention.objects.create(source="http://127.0.0.1:8000/b/", target="https://c.example/", status="failed",
                               response="Fault 0x0011: no link")  # fmt: skip
    received = client.get("/admin/mentions/receivedmention/").content.decode()
    assert "https://a.example/x" in received and "does not link" in received
    sent = client.get("/admin/mentions/sentmention/").content.decode()
    assert "https://c.example/" in sent and "Fault 0x0011" in sent
    assert client.get("/admin/mentions/mentionsettings/1/change/").status_code == 200
    assert MentionSettings.objects.filter(pk=1).exists()


def test_send_again_tries_a_failed_mention_now(client, owner, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with peer_site() as site:
        site.pages["/page"] = Page("<p>x</p>", headers={"Link": '</wm>; rel="webmention"'})
        site.pages["/wm"] = Page("ok", status=202)
        sent = SentMention.objects.create(
            source="http://127.0.0.1:8000/b/", target=f"{site.url}/page", status="failed", attempts=5
        )
        response = client.post(
            "/admin/mentions/sentmention/",
            {"action": "send_again", "_selected_action": [sent.pk]},
            follow=True,
        )
        assert "1 mention(s) queued to be sent again." in response.content.decode()
        sent.refresh_from_db()
        assert (sent.status, sent.attempts) == ("sent", 1)
        assert site.forms_posted_to("/wm") == [
            {"source": "http://127.0.0.1:8000/b/", "target": f"{site.url}/page"}
        ]
