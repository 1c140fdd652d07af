"""TrackBack: a POST to …/slug/trackback/ with url, title, excerpt and blog_name, answered with the spec's XML."""

import httpx
import pytest
from django.conf import settings as django_settings
from lxml import etree

from sampan.comments.models import Comment
from sampan.core.outbound import Fetched
from sampan.mentions.discovery import trackback_url
from tests.factories import make_post

from .peers import Page, peer_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_site(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with peer_site() as site:
        yield site


def answer(response) -> tuple[str, str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    return root.findtext("error"), root.findtext("message") or ""


def test_a_trackback_from_a_linking_page_is_kept_with_its_excerpt_and_blog_name(client, other_site):
    post = make_post("Up the Mekong")
    target = django_settings.SITE_URL + post.get_absolute_url()
    other_site.pages["/entry"] = Page(f'<p>I wrote about <a href="{target}">the Mekong trip</a>.</p>')
    response = client.post(
        f"{post.get_absolute_url()}trackback/",
        {"url": f"{other_site.url}/entry", "title": "On rivers", "excerpt": "Rivers are slow roads.",
         "blog_name": "River Notes"},
    )  # fmt: skip
    assert answer(response) == ("0", "")
    trackback = Comment.objects.get(post=post)
    assert (trackback.kind, trackback.author_name, trackback.body) == (
        "trackback", "River Notes", "[…] Rivers are slow roads. […]",
    )  # fmt: skip
    assert "Trackback:" in client.get(post.get_absolute_url()).content.decode()


def test_a_page_takes_trackbacks_too(client, other_site):
    page = make_post("About", kind="page")
    target = django_settings.SITE_URL + page.get_absolute_url()
    other_site.pages["/entry"] = Page(f'<a href="{target}">about them</a>')
    response = client.post(f"{page.get_absolute_url()}trackback/", {"url": f"{other_site.url}/entry"})
    assert answer(response) == ("0", "")


@pytest.mark.parametrize(
    "form, message",
    [
        ({}, "Both source and target are required."),
        ({"url": "javascript:alert(1)"}, "http or https"),
        ({"url": "{site}/nolink"}, "does not link"),
    ],
)
def test_a_bad_trackback_gets_error_1_and_a_message(client, other_site, form, message):
    post = make_post("Up the Mekong")
    other_site.pages["/nolink"] = Page("<p>no link</p>")
    filled = {k: v.format(site=other_site.url) for k, v in form.items()}
    error, said = answer(client.post(f"{post.get_absolute_url()}trackback/", filled))
    assert error == "1" and message in said
    assert not Comment.objects.exists()


def test_a_trackback_to_a_post_closed_to_pings_is_refused(client):
    post = make_post("Quiet", pings_open=False)
    error, said = answer(client.post(f"{post.get_absolute_url()}trackback/", {"url": "https://a.example/"}))
    assert error == "1" and "does not take mentions" in said


def test_get_is_not_allowed(client):
    post = make_post("Up the Mekong")
    assert client.get(f"{post.get_absolute_url()}trackback/").status_code == 405


def test_a_post_page_tells_trackback_senders_where_to_ping(client):
    post = make_post("Up the Mekong <& friends>")
    response = client.get(post.get_absolute_url())
    page = Fetched(
        status=200, url=f"{django_settings.SITE_URL}{post.get_absolute_url()}",
        headers=httpx.Headers({"Content-Type": response["Content-Type"]}), body=response.content, elapsed=0.0,
    )  # fmt: skip
    assert trackback_url(page) == f"{django_settings.SITE_URL}{post.get_absolute_url()}trackback/"
    closed = make_post("Closed", pings_open=False)
    assert "trackback:ping" not in client.get(closed.get_absolute_url()).content.decode()
