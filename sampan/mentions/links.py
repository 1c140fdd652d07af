"""Which pages a document links to, and whether it links to one page in particular.

Webmention (§3.2.2) asks the receiver to look for the target in the places a document of its type links from:
in HTML, `<a href>`, `<img src>`, `<video src>` and the like. The comparison is exact after normalising both
addresses the way browsers do (scheme and host in lower case, default port dropped, an empty path is "/", the
fragment ignored), so `HTTP://Example.org:80/a#x` is `http://example.org/a`.
"""

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

_LINKING = {
    "a": "href", "area": "href", "img": "src", "video": "src", "audio": "src", "source": "src",
    "iframe": "src", "blockquote": "cite", "q": "cite", "ins": "cite", "del": "cite",
}  # fmt: skip
_BLOCKS = {"p", "li", "blockquote", "td", "dd", "figcaption", "article", "section", "div", "body"}
_SPACES = re.compile(r"\s+")
EXCERPT_CHARS = 250


def normalised(url: str) -> str:
    """`url` as compared: "" when it is no http(s) address."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def _document(html: str) -> etree._Element | None:
    if not html.strip():
        return None
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=False, remove_comments=True)
    try:
        return lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):
        return None


def _links(root: etree._Element, base: str) -> Iterator[tuple[str, etree._Element]]:
    for element in root.iter(*_LINKING):
        value = element.get(_LINKING[str(element.tag)])
        if value is None:
            continue
        try:
            yield urljoin(base, value.strip()), element
        except ValueError:
            continue


def links_in(html: str, *, base: str) -> list[str]:
    """Every distinct http(s) page an HTML document links to, in document order (normalised)."""
    root = _document(html)
    if root is None:
        return []
    seen: dict[str, None] = {}
    for url, element in _links(root, base):
        if element.tag in {"a", "area"}:
            found = normalised(url)
            if found:
                seen.setdefault(found, None)
    return list(seen)


def link_context(html: str, *, base: str, target: str) -> str | None:
    """None when the document does not link to `target`; otherwise the words around the (first) link,
    plain text, at most `EXCERPT_CHARS` long: what WordPress shows of a pingback."""
    wanted = normalised(target)
    root = _document(html)
    if not wanted or root is None:
        return None
    for url, element in _links(root, base):
        if normalised(url) == wanted:
            return _context(element)
    return None


def _context(element: etree._Element) -> str:
    block = element
    while block.getparent() is not None and block.tag not in _BLOCKS:
        block = block.getparent()
    text = _SPACES.sub(" ", block.text_content()).strip()
    anchor = _SPACES.sub(" ", element.text_content()).strip()
    if len(text) <= EXCERPT_CHARS:
        return text
    at = text.find(anchor) if anchor else -1
    start = max(0, (at if at >= 0 else 0) - EXCERPT_CHARS // 2)
    return text[start : start + EXCERPT_CHARS].strip()


def page_title(html: str) -> str:
    """The document's <title>, in one line ("" without one)."""
    root = _document(html)
    title = root.findtext(".//title") if root is not None else None
    return _SPACES.sub(" ", title or "").strip()[:200]
