"""Whatever a client sends, the blog answers with a proper 4xx page, never a 500."""

from urllib.parse import quote, unquote_to_bytes, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.core.models import SiteSettings
from tests.factories import local, make_category, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog():
    mei = make_user("mei")
    boats = make_category("Boats")
    make_category("Sampans", parent=boats)
    post = make_post("Hello river", author=mei, published_at=local(2024, 3, 2), categories=[boats])
    post.tags.set([make_tag("oars")])
    make_post("About", kind="page")
    make_post("Locked", password="sesame", published_at=local(2024, 3, 3))
    return post


def assert_proper_client_error(response, *statuses: int) -> None:
    assert response.status_code in statuses, response.status_code


NOT_FOUND = [
    "/2024/13/45/",
    "/2024/02/30/",
    "/0000/00/",
    "/0000/",
    "/9999/99/",
    "/9999/99/99/",
    "/page/99999999999/",
    "/page/0/",
    "/page/999999/",
    "/2024/03/page/0/",
    "/no-such-page/",
    "/about/no-such-child/",
    "/2024/03/02/no-such-post/",
    "/category/no-such/",
    "/category/boats/no-such/",
    "/tag/no-such/",
    "/author/no-such/",
    "/%ff/",
    "/%/",
    "/%zz/",
    "/%C0%AF/",
    "/..%2f..%2fetc%2fpasswd/",
    "/./",
    "/a//b/",
    "/?p=abc",
    "/?p=",
    "/?p=-1",
    "/?p=1.5",
    "/?p=99999999999999999999",
    "/?p=99999999999999999999999999999999999999999",
    "/?page_id=abc",
    "/?cat=-1",
    "/?cat=abc",
    "/?cat=99999999999999999999",
    "/?m=abc",
    "/?m=",
    "/?m=20241",
    "/?m=202413",
    "/?m=20240230",
    "/?m=00000000",
    "/?m=²²²²",
    "/?m=٢٠٢٤",
    "/?s=x&paged=abc",
    "/?s=x&paged=0",
    "/?s=x&paged=99999999999999999999",
    "/٢٠٢٤/",
]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_nonsense_addresses_get_the_not_found_page(client, blog, url):
    response = client.get(url)
    assert_proper_client_error(response, 404)
    assert "error-404" in response.text  # the theme's page, not a bare status


@pytest.mark.parametrize("path", ["///", "///feed/", "////", "//feed/"])
def test_paths_of_only_slashes_are_not_found(client, blog, path):
    # The test client would read "///" as "/": put the raw path in the request as a server would.
    assert_proper_client_error(client.get("/", PATH_INFO=path), 404)


@pytest.mark.parametrize(
    "url",
    ["/9999/", "/9999/12/", "/9999/12/31/", "/0001/", "/0001/01/", "/0001/01/01/", "/1000/01/"],
)
def test_archives_at_the_edges_of_the_calendar_are_empty_not_errors(client, blog, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "Nothing here yet" in response.text


ODD_BUT_FINE = [
    "/?s=%ff",
    "/?s=%",
    "/?s=%%%",
    "/?%ff=%ff",
    "/?s",
    "/?=",
    "/?&&&",
    "/?s=" + "%E2%80%8B" * 50,
    "/?s=" + "x" * 3000,
    "/search/%ff/",
    "/search/%25/",
]


@pytest.mark.parametrize("url", ODD_BUT_FINE)
def test_odd_but_harmless_query_strings_are_answered(client, blog, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/?s=" + "x" * 5000,
        "/?" + "a=1&" * 1100,
        "/" + "a" * 3000 + "/",
        "/%00/",
        "/tag/a%00b/",
        "/?s=%00",
        "/?p=%00",
        "/?%00=1",
    ],
)
def test_huge_or_nul_laden_requests_get_the_bad_request_page(client, blog, url):
    response = client.get(url)
    assert_proper_client_error(response, 400)
    assert "error-400" in response.text


def test_bad_request_page_looks_like_the_rest_of_the_blog(client, blog):
    response = client.get("/?s=" + "x" * 5000)
    assert response.status_code == 400
    assert f"{SiteSettings.load().title}</title>" in response.text
    assert "The address is too long." in response.text


def test_bad_request_page_still_answers_when_the_themed_page_cannot_be_made(
    client, blog, monkeypatch, caplog
):
    def broken() -> SiteSettings:
        raise RuntimeError("database went away")

    monkeypatch.setattr(SiteSettings, "load", broken)
    response = client.get("/?s=" + "x" * 5000)
    assert response.status_code == 400
    assert "The address is too long." in response.text
    assert "Could not render the bad-request page" in caplog.text


def test_too_many_query_fields_are_a_bad_request_not_an_error(client, blog):
    assert_proper_client_error(client.get("/?" + "a&" * 1500), 400)


READ_ONLY = [
    "/",
    "/page/1/",
    "/2024/",
    "/2024/03/",
    "/2024/03/02/",
    "/2024/03/02/hello-river/",
    "/about/",
    "/category/boats/",
    "/tag/oars/",
    "/author/mei/",
    "/search/river/",
    "/feed/",
    "/feed/atom/",
    "/comments/feed/",
    "/2024/03/02/hello-river/feed/",
    "/category/boats/feed/",
    "/robots.txt",
]


@pytest.mark.parametrize("url", READ_ONLY)
def test_posting_to_a_read_only_address_is_not_allowed(client, blog, url):
    response = client.post(url, {"anything": "x"})
    assert_proper_client_error(response, 405)
    assert "GET" in response["Allow"]


def test_posting_to_the_sitemap_is_not_allowed(client, blog):
    assert client.post("/sitemap.xml").status_code == 405


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_on_pages_are_not_allowed(client, blog, method):
    assert_proper_client_error(getattr(client, method)("/"), 405)
    assert_proper_client_error(getattr(client, method)(blog.get_absolute_url()), 405)


def test_posting_to_a_protected_post_is_its_password_form_not_an_error(client, blog):
    response = client.post("/2024/03/03/locked/", {})
    assert response.status_code == 403
    assert "That password is not right" in response.text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data; name=post_password"),
        ("multipart/form-data", b"junk"),
        ("application/x-www-form-urlencoded", b"post_password=%ff%fe%00"),
        ("application/x-www-form-urlencoded", b"a=1&" * 2000),
        ("application/x-www-form-urlencoded", b"post_password=" + b"x" * 3_000_000),
        ("application/json", b'{"post_password": "sesame"}'),
    ],
)
def test_malformed_password_form_posts_get_a_client_error(client, blog, content_type, body):
    response = client.post("/2024/03/03/locked/", data=body, content_type=content_type)
    assert_proper_client_error(response, 400, 403)
    assert not [name for name in response.cookies if name.startswith("sampan_postpass_")]


def test_head_requests_are_answered_like_gets(client, blog):
    for url in ("/", blog.get_absolute_url(), "/feed/", "/robots.txt", "/sitemap.xml"):
        assert client.head(url).status_code == 200, url


# Fuzzing: random paths and query strings built from the blog's own words and arbitrary text.

WORDS = [
    "", "2024", "03", "02", "13", "45", "0000", "9999", "page", "0", "1", "99999999", "feed", "atom", "rss2",
    "category", "boats", "sampans", "tag", "oars", "author", "mei", "search", "comments", "hello-river", "about",
    "trackback", "%", "%ff", "%00", "%2F", "..", ".", "~", "+", "sitemap.xml", "robots.txt",
]  # fmt: skip
KEYS = ["p", "page_id", "cat", "m", "s", "paged", "feed", "preview", "replytocom"]
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
segments = st.lists(st.one_of(st.sampled_from(WORDS), text.map(lambda t: quote(t, safe=""))), max_size=6)
paths = st.builds(
    lambda parts, slash: "/" + "/".join(parts) + ("/" if slash and parts else ""), segments, st.booleans()
)
queries = st.one_of(
    st.just(""),
    st.dictionaries(st.one_of(st.sampled_from(KEYS), text), text, max_size=4).map(urlencode),
    st.text(st.sampled_from("ps=&%0fFx19+;?#/"), max_size=40),
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=paths, query=queries, method=st.sampled_from(["GET", "GET", "GET", "HEAD", "POST"]))
def test_no_path_or_query_string_makes_the_blog_fail(blog, path, query, method):
    # The raw path and query string as a WSGI server hands them over, "//" and "%ff" included.
    raw_path = unquote_to_bytes(path).decode("iso-8859-1")
    response = Client().generic(method, "/", PATH_INFO=raw_path, QUERY_STRING=query)
    assert response.status_code < 500, (method, path, query)
