"""Finding the sign-in server a reader's website names (IndieAuth Living Standard, "Discovery by Clients").

    server = discover("https://example.com/")   # Server(authorization_endpoint=…, issuer=…)

The profile page is fetched through core's fetcher. Its `indieauth-metadata` link (an HTTP `Link` header first,
else an HTML `<link>`) leads to a JSON document naming the server's `issuer` and `authorization_endpoint`. A site
without one may name its `authorization_endpoint` directly (the older form); such a server gives no issuer, so
there is none to check its answer against. Anything unreadable ends in `DiscoveryFailed`, in words for the reader.
"""

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import mf2py

from sampan.core.outbound import Fetched, OutboundError, fetch

PURPOSE = "IndieAuth discovery"
PAGE_LIMIT = 1024 * 1024  # a home page's head is all that is read; a megabyte is plenty
METADATA_LIMIT = 64 * 1024
TIMEOUT = 10.0

_LINK = re.compile(r"<([^>]*)>([^,<]*)")
_REL = re.compile(r"""\brel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.IGNORECASE)


class DiscoveryFailed(Exception):
    """The website could not be read, or names no IndieAuth server; the message says which, for the reader."""


@dataclass(frozen=True)
class Server:
    authorization_endpoint: str
    issuer: str  # "" for a server found by the older form, which names none


def discover(profile: str) -> Server:
    page = _fetched(profile, what="your website", accept="text/html", max_bytes=PAGE_LIMIT)
    rels = links(page)
    if metadata_url := _first(rels, "indieauth-metadata"):
        return _server_from_metadata(metadata_url)
    if endpoint := _first(rels, "authorization_endpoint"):
        return Server(authorization_endpoint=_web_address(endpoint, "authorization endpoint"), issuer="")
    raise DiscoveryFailed(
        f"{profile} names no IndieAuth server: its page has no “indieauth-metadata” (or “authorization_endpoint”) link."
    )


def links(page: Fetched) -> dict[str, list[str]]:
    """Every linked URL by rel, resolved against the page: HTTP `Link` headers first, then HTML `<link>`s."""
    found: dict[str, list[str]] = {}
    for header in page.headers.get_list("link"):
        for target, params in _LINK.findall(header):
            for rel_match in _REL.finditer(params):
                for rel in (rel_match.group(1) or rel_match.group(2)).lower().split():
                    found.setdefault(rel, []).append(urljoin(page.url, target.strip()))
    if page.content_type in {"text/html", "application/xhtml+xml"}:
        # mf2py reads the document given and fetches nothing; it resolves against <base href> too.
        parsed = mf2py.parse(doc=page.text, url=page.url, metaformats=False)
        for rel, urls in parsed.get("rels", {}).items():
            found.setdefault(rel.lower(), []).extend(urls)
    return found


def _first(rels: dict[str, list[str]], rel: str) -> str:
    return rels.get(rel, [""])[0]


def _server_from_metadata(metadata_url: str) -> Server:
    answer = _fetched(
        metadata_url, what="your sign-in server", accept="application/json", max_bytes=METADATA_LIMIT
    )
    try:
        metadata = json.loads(answer.body)
    except ValueError:
        metadata = None
    if not isinstance(metadata, dict):
        raise DiscoveryFailed("Your sign-in server's metadata is not a JSON object.")
    issuer = metadata.get("issuer")
    if not isinstance(issuer, str) or not issuer:
        raise DiscoveryFailed("Your sign-in server's metadata names no issuer.")
    if not _is_prefix_of(issuer, metadata_url):
        raise DiscoveryFailed("Your sign-in server's metadata names an issuer that is not its own address.")
    endpoint = metadata.get("authorization_endpoint")
    if not isinstance(endpoint, str):
        raise DiscoveryFailed("Your sign-in server's metadata names no authorization endpoint.")
    return Server(authorization_endpoint=_web_address(endpoint, "authorization endpoint"), issuer=issuer)


def _is_prefix_of(issuer: str, metadata_url: str) -> bool:
    """Whether the issuer is a prefix of the metadata's own address on the same origin, so that a server cannot
    claim another's name ("https://example.com" is a prefix of "https://example.com.evil.test/" as text only)."""
    claimed, actual = urlsplit(issuer), urlsplit(metadata_url)
    return (
        claimed.scheme in {"http", "https"}
        and not claimed.query
        and not claimed.fragment
        and (claimed.scheme, claimed.netloc.lower()) == (actual.scheme, actual.netloc.lower())
        and actual.path.startswith(claimed.path)
    )


def _web_address(url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.fragment:
        raise DiscoveryFailed(f"Your website names an {what} that is not an http(s) address.")
    return url


def _fetched(url: str, *, what: str, accept: str, max_bytes: int) -> Fetched:
    try:
        answer = fetch(url, purpose=PURPOSE, headers={"Accept": accept}, max_bytes=max_bytes, timeout=TIMEOUT)
    except OutboundError as exc:
        raise DiscoveryFailed(f"Sampan could not read {what}: {exc}.") from None
    if not 200 <= answer.status < 300:
        raise DiscoveryFailed(f"Sampan could not read {what}: it answered with HTTP status {answer.status}.")
    return answer
