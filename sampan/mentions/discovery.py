"""Where a page wants to be told it was mentioned: its Webmention endpoint, Pingback server or TrackBack URL.

Pure functions over a page already fetched (`core.outbound.Fetched`, with the address it was answered from after
redirects): no network here, so every rule is testable on its own.

- Webmention (W3C Recommendation, §3.1.2): the first HTTP `Link` header with rel `webmention` wins; then, for
  HTML, the first `<link>` or `<a>` with that rel, in document order. Relative URLs resolve against the page's
  address after redirects; an empty `href` is the page itself; a `<link>` without `href` is no endpoint; rel may
  hold several values; comments and escaped text are not markup.
- Pingback 1.0 (§2.3): the first `X-Pingback` header; otherwise the first match of the spec's own pattern,
  `<link rel="pingback" href="…" ?/?>` with its four entities expanded. The spec asks clients not to be more
  lenient, so all blogs agree on which pages take pingbacks.
- TrackBack: the RDF block a page embeds (usually inside a comment), whose `dc:identifier` is this page, gives
  `trackback:ping`.
"""

import html
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from sampan.core.outbound import Fetched

_HTML_TYPES = {"text/html", "application/xhtml+xml"}

# One link-value of a Link header: <uri> then its parameters, up to the comma that starts the next one.
_LINK_VALUE = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,=\"]+(?:=(?:\"[^\"]*\"|[^;,\"]*))?)*)")
_REL_PARAM = re.compile(r";\s*rel\s*=\s*(?:\"([^\"]*)\"|([^\s;,\"]+))", re.IGNORECASE)
_PINGBACK_LINK = re.compile(r'<link rel="pingback" href="([^"]+)" ?/?>')
_RDF_DESCRIPTION = re.compile(r"<rdf:Description\b([^>]*)>", re.IGNORECASE)
_RDF_ATTRIBUTE = re.compile(r"([\w.-]+:[\w.-]+)\s*=\s*\"([^\"]*)\"")


def _is_http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def webmention_endpoint(page: Fetched) -> str | None:
    """The absolute URL to send Webmentions for `page` to, or None if it advertises none."""
    for header in page.headers.get_list("link"):
        for target, params in _LINK_VALUE.findall(header):
            for quoted, bare in _REL_PARAM.findall(params):
                if "webmention" in (quoted or bare).lower().split():
                    return _absolute(page.url, target.strip())
    if page.content_type not in _HTML_TYPES:
        return None
    finder = _RelFinder("webmention")
    finder.feed(page.text)
    finder.close()
    return None if finder.href is None else _absolute(page.url, finder.href)


def _absolute(base: str, href: str) -> str | None:
    resolved = urljoin(base, href)
    if not href:
        resolved = urldefrag(base).url  # the page itself (a bare "" keeps nothing to resolve)
    return resolved if _is_http(resolved) else None


class _RelFinder(HTMLParser):
    """The href of the first <link> or <a> whose rel includes `rel` and which has an href."""

    def __init__(self, rel: str) -> None:
        super().__init__(convert_charrefs=True)
        self._rel = rel
        self.href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.href is not None or tag not in {"link", "a"}:
            return
        values = dict(attrs)
        rel, href = values.get("rel") or "", values.get("href")
        if href is not None and self._rel in rel.lower().split():
            self.href = href

    handle_startendtag = handle_starttag


def pingback_server(page: Fetched) -> str | None:
    """The XML-RPC server to send Pingbacks for `page` to, or None if it is not pingback-enabled."""
    headers = page.headers.get_list("x-pingback")
    if headers:
        server = headers[0].strip()
    else:
        found = _PINGBACK_LINK.search(page.text)
        if found is None:
            return None
        server = found.group(1)
        for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&amp;", "&")):
            server = server.replace(entity, char)
    return server if _is_http(server) else None


def trackback_url(page: Fetched, *, asked_for: str = "") -> str | None:
    """The TrackBack ping URL the page's embedded RDF gives for the page itself, or None.

    A page (an archive, a home page) may embed several entries' RDF; only the one whose `dc:identifier` is this
    page, as asked for or as answered after redirects, counts. A page with a single description is taken at its
    word."""
    described = []
    for attributes in _RDF_DESCRIPTION.findall(page.text):
        values = {name.lower(): html.unescape(value) for name, value in _RDF_ATTRIBUTE.findall(attributes)}
        if _is_http(values.get("trackback:ping", "")):
            described.append(values)
    here = {urldefrag(u).url for u in (page.url, asked_for) if u}
    for values in described:
        if urldefrag(values.get("dc:identifier", "")).url in here:
            return values["trackback:ping"]
    return described[0]["trackback:ping"] if len(described) == 1 else None
