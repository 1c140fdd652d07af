"""A reader sees what other sites said about a post: a reply as a comment with the author's photo (served by this
site, never the other), a like in the like line, a plain mention WordPress-style; and the page passes axe."""

import io
import re

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import Page, expect

from sampan.mentions import receiving
from sampan.mentions.models import ReceivedMention
from tests.factories import make_post
from tests.mentions.peers import Page as PeerPage
from tests.mentions.peers import peer_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 120), (30, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def mention(source: str, target: str) -> None:
    received = receiving.accept_mention(
        protocol=ReceivedMention.Protocol.WEBMENTION, source=source, target=target, client="e2e"
    )
    assert receiving.verify_mention(received).status == "accepted", received.message


def test_a_reader_sees_a_reply_a_like_and_a_mention_with_nothing_fetched_elsewhere(
    page: Page, site_url, axe_check, request_log, monkeypatch
):
    monkeypatch.setattr(settings, "OUTBOUND_ALLOW_LOOPBACK", True)
    post = make_post("Slow boat to Luang Prabang", body="Two days on the Mekong.")
    target = settings.SITE_URL + post.get_absolute_url()
    with peer_site() as other:
        other.pages["/ana.png"] = PeerPage(png(), content_type="image/png")
        other.pages["/reply"] = PeerPage(
            f'<article class="h-entry"><a class="u-in-reply-to" href="{target}">re</a>'
            f'<div class="p-author h-card"><a class="u-url p-name" href="https://ana.example/">Ana Lima</a>'
            f'<img class="u-photo" alt="" src="{other.url}/ana.png"></div>'
            f'<p class="e-content">We did that trip in 2019!</p></article>'
        )
        other.pages["/like"] = PeerPage(
            f'<div class="h-entry"><a class="u-like-of" href="{target}">like</a>'
            '<span class="p-author h-card">Bo Chen</span></div>'
        )
        other.pages["/notes"] = PeerPage(
            f'<title>River Notes</title><p>Also see <a href="{target}">the slow boat</a> story.</p>'
        )
        for path in ("/reply", "/like", "/notes"):
            mention(other.url + path, target)

    page.goto(site_url + post.get_absolute_url())
    expect(page.get_by_role("heading", name="2 thoughts on “Slow boat to Luang Prabang”")).to_be_visible()
    reply = page.locator("li.comment", has_text="We did that trip in 2019!")
    expect(reply.get_by_role("link", name="Ana Lima")).to_have_attribute("href", "https://ana.example/")
    photo = reply.locator("img.avatar")
    expect(photo).to_have_attribute("src", re.compile(r"^/media/mentions/photos/.+\.png$"))
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 96
    expect(page.locator(".like-count")).to_have_text("1 person likes this")
    expect(page.locator(".likers")).to_contain_text("Bo Chen")
    expect(page.get_by_text("[…] Also see the slow boat story. […]")).to_be_visible()
    axe_check(page)
