"""How a website names its IndieAuth server: `Link` headers in any of their spellings, HTML `<link>`s resolved
against the page (and its `<base>`), the header first."""

import httpx

from sampan.core.outbound import Fetched
from sampan.readers.indieauth.discovery import links


def page(
    body: str = "", content_type: str = "text/html; charset=utf-8", link: list[str] | None = None
) -> Fetched:
    headers = httpx.Headers([("content-type", content_type), *(("link", value) for value in link or [])])
    return Fetched(
        status=200, url="https://example.com/alice/", headers=headers, body=body.encode(), elapsed=0.1
    )


def test_link_headers_in_several_spellings_are_all_read_and_resolved():
    found = links(
        page(
            link=[
                '</meta>; rel="indieauth-metadata", <https://auth.example/a>; rel=authorization_endpoint',
                '<token>;REL="token_endpoint micropub"',
            ]
        )
    )
    assert found["indieauth-metadata"] == ["https://example.com/meta"]
    assert found["authorization_endpoint"] == ["https://auth.example/a"]
    assert found["token_endpoint"] == found["micropub"] == ["https://example.com/alice/token"]


def test_html_links_are_resolved_against_the_page_and_its_base():
    html = '<html><head><base href="/site/"><link rel="indieauth-metadata" href="meta.json"></head></html>'
    assert links(page(html))["indieauth-metadata"] == ["https://example.com/site/meta.json"]


def test_the_header_comes_before_the_html():
    html = '<link rel="indieauth-metadata" href="/from-html">'
    found = links(page(html, link=['</from-header>; rel="indieauth-metadata"']))
    assert found["indieauth-metadata"] == ["https://example.com/from-header", "https://example.com/from-html"]


def test_links_in_a_page_that_is_not_html_are_not_read_as_html():
    assert links(page('<link rel="indieauth-metadata" href="/meta">', content_type="text/plain")) == {}
