"""Receiving webmentions: another site (a real HTTP server on loopback) mentions, replies to or likes a post; the
endpoint answers 202 with a status page, the worker verifies the source, and readers see the right thing."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from sampan.comments.models import Comment, DiscussionSettings
from sampan.comments.services import approve_comment
from sampan.core.models import OutboundRequest
from sampan.likes import services as likes
from sampan.mentions import receiving
from sampan.mentions.models import MentionSettings, ReceivedMention
from tests.factories import make_post

from .peers import Page, peer_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_site(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with peer_site() as site:
        yield site


@pytest.fixture
def post():
    return make_post("Up the Mekong", body="We took a sampan up the river.")


def target_of(post) -> str:
    return django_settings.SITE_URL + post.get_absolute_url()


def png(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), colour).save(out, format="PNG")
    return out.getvalue()


def send(client, source: str, target: str, capture):
    with capture(execute=True):
        return client.post("/webmention/", {"source": source, "target": target})


def reply_page(target: str, text: str = "What a trip! I want to go too.", photo: str = "") -> str:
    return f"""<html><head><title>Ana's notes</title></head><body>
    <article class="h-entry">
      <a class="u-in-reply-to" href="{target}">In reply to</a>
      <div class="p-author h-card"><a class="u-url p-name" href="https://ana.example/">Ana Lima</a>
        {f'<img class="u-photo" src="{photo}" alt="">' if photo else ""}</div>
      <p class="e-content">{text}</p>
      <time class="dt-published" datetime="2026-11-20T10:00:00+00:00">20 Nov</time>
    </article></body></html>"""


def test_a_reply_is_verified_and_shown_as_a_comment_with_a_local_photo(
    client, other_site, post, django_capture_on_commit_callbacks
):
    other_site.pages["/me.png"] = Page(png(), content_type="image/png")
    other_site.pages["/reply"] = Page(reply_page(target_of(post), photo=f"{other_site.url}/me.png"))

    response = send(client, f"{other_site.url}/reply", target_of(post), django_capture_on_commit_callbacks)

    assert response.status_code == 202
    status_page = client.get(urlsplit(response["Location"]).path)
    assert "Accepted" in status_page.content.decode() and "a reply, shown" in status_page.content.decode()
    mention = Comment.objects.get(post=post)
    assert (mention.kind, mention.mention_type, mention.author_name) == ("webmention", "reply", "Ana Lima")
    assert mention.author_url == "https://ana.example/"
    assert mention.created_at.year == 2026 and mention.created_at.day == 20
    with default_storage.open(mention.author_photo) as kept:
        assert Image.open(kept).size == (96, 64)  # re-encoded small, never hot-linked
    page = client.get(post.get_absolute_url()).content.decode()
    assert "What a trip! I want to go too." in page and "Ana Lima" in page
    assert other_site.url not in page.split("What a trip")[0].rsplit("Ana Lima", 1)[0].rsplit("<li", 1)[-1]
    assert f"/media/{mention.author_photo}" in page


def test_a_plain_mention_shows_as_wordpress_shows_pingbacks_with_the_words_around_the_link(
    client, other_site, post, django_capture_on_commit_callbacks
):
    other_site.pages["/trip"] = Page(
        f'<html><head><title>River Notes</title></head><body><p>Last week I read <a href="{target_of(post)}">'
        "this trip report</a> about the Mekong and loved it.</p></body></html>"
    )
    send(client, f"{other_site.url}/trip", target_of(post), django_capture_on_commit_callbacks)

    mention = Comment.objects.get(post=post)
    assert mention.mention_type == "mention" and mention.author_name == "River Notes"
    assert mention.body == "[…] Last week I read this trip report about the Mekong and loved it. […]"
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="{other_site.url}/trip"' in page and "[…] Last week I read" in page


def test_a_like_joins_the_like_line_and_is_not_a_thought(
    client, other_site, post, django_capture_on_commit_callbacks
):
    other_site.pages["/like"] = Page(
        f'<div class="h-entry"><a class="u-like-of" href="{target_of(post)}">liked</a>'
        '<a class="p-author h-card" href="https://bo.example/">Bo</a></div>'
    )
    send(client, f"{other_site.url}/like", target_of(post), django_capture_on_commit_callbacks)

    assert Comment.objects.get(post=post).mention_type == "like"
    line = likes.like_line(post)
    assert line.count == 1 and [liker.name for liker in line.likers] == ["Bo"]
    page = client.get(post.get_absolute_url()).content.decode()
    assert "No thoughts yet on" in page


def test_a_resend_updates_and_a_source_gone_410_removes(
    client, other_site, post, django_capture_on_commit_callbacks
):
    source = f"{other_site.url}/reply"
    other_site.pages["/reply"] = Page(reply_page(target_of(post), text="First version."))
    send(client, source, target_of(post), django_capture_on_commit_callbacks)
    other_site.pages["/reply"] = Page(reply_page(target_of(post), text="Second, better version."))
    send(client, source, target_of(post), django_capture_on_commit_callbacks)
    assert [c.body for c in Comment.objects.filter(post=post)] == ["Second, better version."]

    other_site.pages["/reply"] = Page("Gone.", status=410, content_type="text/plain")
    response = send(client, source, target_of(post), django_capture_on_commit_callbacks)
    assert not Comment.objects.filter(post=post).exists()
    assert "Removed" in client.get(urlsplit(response["Location"]).path).content.decode()


def test_a_source_that_stops_linking_loses_its_mention(
    client, other_site, post, django_capture_on_commit_callbacks
):
    source = f"{other_site.url}/trip"
    other_site.pages["/trip"] = Page(f'<p>See <a href="{target_of(post)}">this</a>.</p>')
    send(client, source, target_of(post), django_capture_on_commit_callbacks)
    assert Comment.objects.filter(post=post).count() == 1
    other_site.pages["/trip"] = Page("<p>I changed my mind about linking.</p>")
    send(client, source, target_of(post), django_capture_on_commit_callbacks)
    assert not Comment.objects.filter(post=post).exists()


@pytest.mark.parametrize(
    "body, why",
    [
        ("<p>No link here at all.</p>", "does not link"),
        ('<p><a href="{target}x">a different page</a></p>', "does not link"),
        ("<!-- {target} --><p>only in a comment</p>", "does not link"),
    ],
)
def test_a_source_without_a_real_link_is_rejected_and_nothing_is_stored(
    client, other_site, post, django_capture_on_commit_callbacks, body, why
):
    other_site.pages["/page"] = Page(body.format(target=target_of(post)))
    response = send(client, f"{other_site.url}/page", target_of(post), django_capture_on_commit_callbacks)
    assert response.status_code == 202
    status = client.get(urlsplit(response["Location"]).path).content.decode()
    assert "Rejected" in status and why in status
    assert not Comment.objects.exists()


def test_a_non_html_source_is_refused_with_a_clear_status(
    client, other_site, post, django_capture_on_commit_callbacks
):
    other_site.pages["/data"] = Page(f'{{"link": "{target_of(post)}"}}', content_type="application/json")
    response = send(client, f"{other_site.url}/data", target_of(post), django_capture_on_commit_callbacks)
    received = ReceivedMention.objects.get(token=urlsplit(response["Location"]).path.split("/")[-2])
    assert received.status == "rejected" and "not an HTML page" in received.message


def test_an_svg_author_photo_is_refused_and_the_reply_kept_without_it(
    client, other_site, post, django_capture_on_commit_callbacks
):
    other_site.pages["/me.svg"] = Page(
        '<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
    )
    other_site.pages["/reply"] = Page(reply_page(target_of(post), photo=f"{other_site.url}/me.svg"))
    send(client, f"{other_site.url}/reply", target_of(post), django_capture_on_commit_callbacks)
    assert Comment.objects.get(post=post).author_photo == ""


def test_the_blocklist_sends_a_mention_to_spam_and_readers_never_see_it(
    client, other_site, post, django_capture_on_commit_callbacks
):
    settings = DiscussionSettings.load()
    settings.blocklist = "cheap pills"
    settings.save()
    other_site.pages["/spam"] = Page(f'<p>Buy cheap pills! <a href="{target_of(post)}">here</a></p>')
    send(client, f"{other_site.url}/spam", target_of(post), django_capture_on_commit_callbacks)
    assert Comment.objects.get(post=post).status == Comment.Status.SPAM
    assert "cheap pills" not in client.get(post.get_absolute_url()).content.decode()


def test_hold_all_keeps_a_mention_pending_until_approved(
    client, other_site, post, django_capture_on_commit_callbacks
):
    settings = DiscussionSettings.load()
    settings.hold_all = True
    settings.save()
    other_site.pages["/trip"] = Page(f'<p>Read <a href="{target_of(post)}">Up the Mekong</a> today.</p>')
    response = send(client, f"{other_site.url}/trip", target_of(post), django_capture_on_commit_callbacks)
    assert "held for moderation" in client.get(urlsplit(response["Location"]).path).content.decode()
    assert "Up the Mekong</a> today" not in client.get(post.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(Comment.objects.get(post=post))
    assert "[…] Read Up the Mekong today. […]" in client.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "form, message",
    [
        ({}, "Both source and target are required."),
        ({"source": "https://a.example/", "target": "https://elsewhere.example/post/"}, "not on this site"),
        ({"source": "ftp://a.example/x", "target": "{target}"}, "must be an http or https address"),
        ({"source": "{target}", "target": "{target}"}, "the same page"),
        (
            {"source": "https://a.example/", "target": "http://127.0.0.1:8000/no/such/page/"},
            "no post or page",
        ),
    ],
)
def test_bad_requests_get_400_and_a_reason(client, post, form, message):
    filled = {k: v.format(target=target_of(post)) for k, v in form.items()}
    response = client.post("/webmention/", filled)
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReceivedMention.objects.exists()


def test_mentions_switched_off_on_a_post_or_for_the_site_are_refused(client, post):
    post.pings_open = False
    post.save()
    response = client.post("/webmention/", {"source": "https://a.example/", "target": target_of(post)})
    assert response.status_code == 400 and "does not take mentions" in response.content.decode()
    post.pings_open = True
    post.save()
    MentionSettings.objects.update_or_create(pk=1, defaults={"receive": False})
    response = client.post("/webmention/", {"source": "https://a.example/", "target": target_of(post)})
    assert response.status_code == 400


def test_drafts_and_password_posts_take_no_mentions(client):
    for post in (make_post(status="draft"), make_post(password="secret")):
        response = client.post("/webmention/", {"source": "https://a.example/", "target": target_of(post)})
        assert response.status_code == 400


def test_a_flood_from_one_source_host_is_slowed_with_429(client, post, monkeypatch):
    monkeypatch.setattr(receiving, "PER_SOURCE_HOST", (3, 60))
    codes = [
        client.post(
            "/webmention/", {"source": f"https://flood.example/{n}", "target": target_of(post)}
        ).status_code
        for n in range(5)
    ]
    assert codes == [202, 202, 202, 429, 429]
    other = client.post("/webmention/", {"source": "https://calm.example/1", "target": target_of(post)})
    assert other.status_code == 202


def test_posts_and_pages_advertise_both_endpoints_in_headers_and_head(client, post):
    for url in (post.get_absolute_url(), make_post("About", kind="page").get_absolute_url()):
        response = client.get(url)
        assert response["Link"] == f'<{django_settings.SITE_URL}/webmention/>; rel="webmention"'
        assert response["X-Pingback"] == f"{django_settings.SITE_URL}/xmlrpc.php"
        html = response.content.decode()
        assert f'<link rel="webmention" href="{django_settings.SITE_URL}/webmention/">' in html
        assert f'<link rel="pingback" href="{django_settings.SITE_URL}/xmlrpc.php">' in html


@pytest.mark.parametrize(
    "path, page, why",
    [
        ("/huge", Page("<p>" + "x" * (receiving.MAX_SOURCE_BYTES + 10) + "</p>"), "allowed"),
        ("/loop", Page("", status=302, headers={"Location": "/loop"}), "redirects"),
        (
            "/gone-private",
            Page("", status=302, headers={"Location": "http://10.0.0.7/"}),
            "cannot be fetched",
        ),
    ],
)
def test_huge_looping_or_private_sources_are_refused_with_a_clear_status(
    client, other_site, post, django_capture_on_commit_callbacks, path, page, why
):
    other_site.pages[path] = page
    response = send(client, f"{other_site.url}{path}", target_of(post), django_capture_on_commit_callbacks)
    received = ReceivedMention.objects.get(token=urlsplit(response["Location"]).path.split("/")[-2])
    assert received.status == "rejected" and why in received.message, received.message
    assert not Comment.objects.exists()


def test_every_request_for_a_mention_is_on_the_outbound_ledger(
    client, other_site, post, django_capture_on_commit_callbacks
):
    other_site.pages["/me.png"] = Page(png(), content_type="image/png")
    other_site.pages["/reply"] = Page(reply_page(target_of(post), photo=f"{other_site.url}/me.png"))
    send(client, f"{other_site.url}/reply", target_of(post), django_capture_on_commit_callbacks)
    ledger = OutboundRequest.objects.order_by("pk")
    assert [(r.purpose, r.url, r.status) for r in ledger] == [
        ("webmention-verify", f"{other_site.url}/reply", 200),
        ("mention-author-photo", f"{other_site.url}/me.png", 200),
    ]


def test_the_status_page_is_never_served_from_the_page_cache(client, post):
    response = client.post("/webmention/", {"source": "https://a.example/x", "target": target_of(post)})
    assert response["Location"].startswith(f"{django_settings.SITE_URL}/webmention/status/")
    status = client.get(urlsplit(response["Location"]).path)
    assert "Pending verification" in status.content.decode()
    assert status["Cache-Control"] == "private, no-store"


def test_requests_older_than_90_days_are_forgotten_but_their_mentions_stay(post):
    old = ReceivedMention.objects.create(
        protocol="webmention", source="https://a.example/", target=target_of(post), post=post,
        received_at=timezone.now() - timedelta(days=91), status="accepted",
    )  # fmt: skip
    recent = ReceivedMention.objects.create(
        protocol="webmention", source="https://b.example/", target=target_of(post), post=post
    )
    Comment.objects.create(post=post, kind="webmention", source_url=old.source, status="approved", body="x")
    assert receiving.forget_old_requests() == 1
    assert list(ReceivedMention.objects.all()) == [recent]
    assert Comment.objects.filter(source_url=old.source).exists()
