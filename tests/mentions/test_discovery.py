"""Finding where a page takes mentions: the webmention.rocks discovery cases, Pingback's exact rules, TrackBack's
RDF, and one real fetch through a redirect."""

import json
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sampan.core.outbound import Fetched, fetch
from sampan.mentions.discovery import pingback_server, trackback_url, webmention_endpoint

ROCKS = json.loads((Path(__file__).parent.parent / "fixtures" / "webmention" / "discovery.json").read_text())


def page(
    url: str, body: str = "", headers: Sequence[tuple[str, str]] = (), content_type: str = "text/html"
) -> Fetched:
    all_headers = [("Content-Type", f"{content_type}; charset=utf-8"), *headers]
    return Fetched(status=200, url=url, headers=httpx.Headers(all_headers), body=body.encode(), elapsed=0.0)


@pytest.mark.parametrize("case", ROCKS["tests"], ids=lambda case: f"rocks-{case['test_number']}")
def test_every_webmention_rocks_discovery_case_finds_its_endpoint(case):
    found = webmention_endpoint(
        page(case["base_url"], case["html"], [tuple(h) for h in case["http_headers"]])
    )
    assert found == case["expected_endpoint"]
    assert found not in case["must_not_use"]


def test_a_link_header_beats_the_html_and_commas_inside_its_url_are_kept():
    header = '<https://a.example/wm?ids=1,2>; rel="webmention"'
    html = '<link rel="webmention" href="/from-html">'
    assert (
        webmention_endpoint(page("https://a.example/p", html, [("Link", header)]))
        == "https://a.example/wm?ids=1,2"
    )


def test_a_page_that_is_not_html_is_only_read_for_its_headers():
    html = '<link rel="webmention" href="/wm">'
    assert webmention_endpoint(page("https://a.example/p", html, content_type="text/plain")) is None
    linked = page(
        "https://a.example/p.png", "", [("Link", "</wm>; rel=webmention")], content_type="image/png"
    )
    assert webmention_endpoint(linked) == "https://a.example/wm"


def test_no_endpoint_anywhere_or_one_that_is_not_http_is_none():
    assert webmention_endpoint(page("https://a.example/p", "<p>hello</p>")) is None
    assert (
        webmention_endpoint(page("https://a.example/p", '<a rel="webmention" href="mailto:x@a.example">'))
        is None
    )


def test_pingback_header_wins_and_only_the_first_one_counts():
    headers = [("X-Pingback", "https://a.example/xmlrpc.php"), ("X-Pingback", "https://b.example/xmlrpc.php")]
    html = '<link rel="pingback" href="https://c.example/xmlrpc.php">'
    assert pingback_server(page("https://a.example/p", html, headers)) == "https://a.example/xmlrpc.php"


def test_pingback_link_is_found_only_in_the_specs_exact_form_with_entities_expanded():
    exact = '<head><link rel="pingback" href="https://a.example/xmlrpc.php?a=1&amp;b=2" /></head>'
    assert pingback_server(page("https://a.example/p", exact)) == "https://a.example/xmlrpc.php?a=1&b=2"
    other_order = '<link href="https://a.example/xmlrpc.php" rel="pingback">'
    assert pingback_server(page("https://a.example/p", other_order)) is None


def test_pingback_servers_must_be_absolute():
    assert pingback_server(page("https://a.example/p", '<link rel="pingback" href="/xmlrpc.php">')) is None
    image = page("https://a.example/i.png", "", [("X-Pingback", "https://a.example/xmlrpc")], "image/png")
    assert pingback_server(image) == "https://a.example/xmlrpc"


RDF = """<!--
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:trackback="http://madskills.com/public/xml/rss/module/trackback/">
<rdf:Description rdf:about="https://a.example/{slug}/" dc:identifier="https://a.example/{slug}/"
    dc:title="A post" trackback:ping="https://a.example/{slug}/trackback/?x=1&amp;y=2" />
</rdf:RDF>
-->"""


def test_trackback_url_comes_from_the_rdf_describing_this_page():
    archive = RDF.format(slug="one") + RDF.format(slug="two")
    assert (
        trackback_url(page("https://a.example/two/", archive)) == "https://a.example/two/trackback/?x=1&y=2"
    )
    assert trackback_url(page("https://a.example/three/", archive)) is None
    single = RDF.format(slug="one")
    assert (
        trackback_url(page("https://a.example/one/#top", single))
        == "https://a.example/one/trackback/?x=1&y=2"
    )
    assert (
        trackback_url(page("https://a.example/other/", single)) == "https://a.example/one/trackback/?x=1&y=2"
    )
    assert trackback_url(page("https://a.example/", "<p>no rdf</p>")) is None


@given(link=st.text(max_size=120), body=st.text(max_size=300))
def test_any_headers_and_markup_give_an_http_endpoint_or_none(link, body):
    try:
        headers = [("Link", link), ("X-Pingback", link)]
        fetched = page("https://a.example/p", body, headers)
    except (UnicodeEncodeError, httpx.LocalProtocolError, ValueError):
        return  # not something a server could send as a header
    for found in (webmention_endpoint(fetched), pingback_server(fetched), trackback_url(fetched)):
        assert found is None or found.startswith(("http://", "https://"))


class _Rocks23(BaseHTTPRequestHandler):
    """Webmention.rocks test 23 in miniature: the page redirects, and its endpoint is relative to where it lands."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/test/23/page":
            self.send_response(302)
            self.send_header("Location", "page/key-one")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'<a rel="webmention" href="webmention-endpoint/key-two">endpoint</a>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Link", "<webmention-endpoint/key-two>; rel=webmention")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.django_db
def test_a_fetched_page_behind_a_redirect_resolves_its_endpoint_where_it_landed(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rocks23)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        fetched = fetch(f"{base}/test/23/page", purpose="webmention-discover")
    finally:
        server.shutdown()
        server.server_close()
    assert webmention_endpoint(fetched) == f"{base}/test/23/page/webmention-endpoint/key-two"
