"""Pingback 1.0 at /xmlrpc.php: a ping from a real page (served on loopback) becomes a pingback on the post, and
each thing that can be wrong gets the spec's fault code."""

import xmlrpc.client

import pytest
from django.conf import settings as django_settings

from sampan.comments.models import Comment
from sampan.mentions import receiving
from tests.factories import make_post
from tests.mentions.peers import Page, peer_site

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


def call(client, name: str, *params):
    body = xmlrpc.client.dumps(params, methodname=name)
    response = client.post("/xmlrpc.php", body, content_type="text/xml")
    assert response.status_code == 200
    try:
        return xmlrpc.client.loads(response.content)[0][0]
    except xmlrpc.client.Fault as fault:
        return fault


def linking_page(target: str) -> Page:
    return Page(
        f'<html><head><title>River Notes</title></head><body><p>Do read <a href="{target}">this trip</a>.</p>'
        "</body></html>"
    )


def test_a_ping_from_a_page_that_links_is_registered_and_shown(client, other_site, post):
    other_site.pages["/notes"] = linking_page(target_of(post))
    answer = call(client, "pingback.ping", f"{other_site.url}/notes", target_of(post))
    assert isinstance(answer, str) and "registered" in answer
    pingback = Comment.objects.get(post=post)
    assert (pingback.kind, pingback.author_name, pingback.body) == (
        "pingback",
        "River Notes",
        "[…] Do read this trip. […]",
    )
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Pingback:" in page and f'href="{other_site.url}/notes"' in page
    assert call(client, "pingback.extensions.getPingbacks", target_of(post)) == [f"{other_site.url}/notes"]


def test_a_second_ping_from_the_same_source_is_0x0030(client, other_site, post):
    other_site.pages["/notes"] = linking_page(target_of(post))
    call(client, "pingback.ping", f"{other_site.url}/notes", target_of(post))
    fault = call(client, "pingback.ping", f"{other_site.url}/notes", target_of(post))
    assert fault.faultCode == 0x0030


@pytest.mark.parametrize(
    "path, page, code",
    [
        ("/missing", None, 0x0010),
        ("/nolink", Page("<p>Nothing to see.</p>"), 0x0011),
        ("/broken", Page("oops", status=500), 0x0032),
    ],
)
def test_source_problems_get_their_fault_codes(client, other_site, post, path, page, code):
    if page is not None:
        other_site.pages[path] = page
    fault = call(client, "pingback.ping", f"{other_site.url}{path}", target_of(post))
    assert isinstance(fault, xmlrpc.client.Fault) and fault.faultCode == code
    assert not Comment.objects.exists()


def test_target_problems_get_their_fault_codes(client, post):
    source = "https://notes.example/trip/"
    assert (
        call(client, "pingback.ping", source, f"{django_settings.SITE_URL}/no/such/post/").faultCode == 0x0020
    )
    assert call(client, "pingback.ping", source, "https://elsewhere.example/").faultCode == 0x0021
    post.pings_open = False
    post.save()
    assert call(client, "pingback.ping", source, target_of(post)).faultCode == 0x0021


def test_a_private_address_as_source_is_refused_without_a_request(client, post):
    fault = call(client, "pingback.ping", "http://10.0.0.7/admin", target_of(post))
    assert fault.faultCode == 0x0010 and "not" in fault.faultString


def test_a_flood_of_pings_naming_one_host_is_access_denied(client, post, monkeypatch):
    monkeypatch.setattr(receiving, "PER_SOURCE_HOST", (2, 60))
    codes = [
        call(client, "pingback.ping", f"http://127.0.0.1:9/{n}", target_of(post)).faultCode for n in range(4)
    ]
    assert codes[2:] == [0x0031, 0x0031]


def test_wrong_parameter_types_are_a_fault_not_an_error(client, post):
    assert call(client, "pingback.ping", 12, target_of(post)).faultCode == 0
    assert call(client, "pingback.ping", "only one").faultCode == -32602
