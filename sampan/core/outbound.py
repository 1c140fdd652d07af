"""The outbound fetcher: the one way Sampan asks anything of another server.

    fetched = fetch("https://example.org/post/", purpose="webmention-discover")

Only http(s), only ports 80, 443, 8080 and 8443, only public addresses (checked after DNS, for every redirect,
and connected to exactly as checked: see `outbound_policy`), a total time limit and a size limit enforced while
reading, compressed or not (`outbound_body`). Every call, answered or refused, leaves one row in the ledger
(`OutboundRequest`), which the owner reads in the admin. Errors are `OutboundError`s with a one-line message.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import httpx
from django.conf import settings

import sampan

from .outbound_body import ACCEPT_ENCODING, read_body
from .outbound_errors import (
    BadResponse,
    ConnectionFailed,
    OutboundError,
    OutboundRefused,
    OutboundTimeout,
    ResponseTooLarge,
    TooManyRedirects,
)
from .outbound_ledger import Progress, ledger_address, record_outbound_request
from .outbound_policy import PinnedTransport, checked_url

__all__ = [
    "BadResponse",
    "ConnectionFailed",
    "Fetched",
    "OutboundError",
    "OutboundRefused",
    "OutboundTimeout",
    "ResponseTooLarge",
    "TooManyRedirects",
    "fetch",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 20.0
MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_PRIVATE_HEADERS = {"authorization", "cookie", "proxy-authorization"}


@dataclass(frozen=True)
class Fetched:
    status: int
    url: str  # where the answer came from, after any redirects
    headers: httpx.Headers
    body: bytes
    elapsed: float  # seconds, the whole exchange
    redirects: tuple[str, ...] = field(default=())

    @property
    def content_type(self) -> str:
        """The media type alone, lower-cased: "text/html" for "text/html; charset=UTF-8"."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        """The body as text, in the charset the server named (UTF-8 otherwise); bad bytes are replaced."""
        message = Message()
        message["content-type"] = self.headers.get("content-type", "")
        charset = message.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def user_agent() -> str:
    return f"Sampan/{sampan.__version__} (+{settings.SITE_URL}/)"


def fetch(
    url: str,
    *,
    purpose: str,
    method: str = "GET",
    data: dict[str, str] | bytes | None = None,
    headers: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout: float = DEFAULT_TIMEOUT,
    follow_redirects: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> Fetched:
    """Ask `url` for an answer, within `timeout` seconds in all and `max_bytes` of body, and record it.

    `data` is a form (dict) or raw bytes for POST. `transport` is for tests of callers only: it replaces the
    network (and so the address checks), never the URL checks, limits or ledger."""
    started = time.monotonic()
    progress = Progress()
    try:
        fetched = _exchange(
            url, method=method.upper(), data=data, headers=headers or {}, max_bytes=max_bytes,
            deadline=started + timeout, follow_redirects=follow_redirects, transport=transport,
            progress=progress,
        )  # fmt: skip
    except OutboundError as exc:
        record_outbound_request(url, purpose, method, progress, started, outcome=exc.outcome, error=str(exc))
        raise
    except Exception as exc:
        logger.exception("Outbound %s %s (%s) failed unexpectedly", method, ledger_address(str(url)), purpose)
        record_outbound_request(
            url, purpose, method, progress, started, outcome="failed", error=f"unexpected error: {exc!r}"
        )
        raise
    record_outbound_request(url, purpose, method, progress, started, outcome="answered", error="")
    return fetched


def _exchange(
    url: str, *, method: str, data: Any, headers: dict[str, str], max_bytes: int, deadline: float,
    follow_redirects: bool, transport: httpx.BaseTransport | None, progress: Progress,
) -> Fetched:  # fmt: skip
    started = time.monotonic()
    current = checked_url(url)
    progress.url = str(current)
    own_headers = {k: v for k, v in headers.items() if k.lower() not in {"host", "accept-encoding"}}
    client = httpx.Client(
        transport=transport or PinnedTransport(deadline=deadline),
        headers={"User-Agent": user_agent(), "Accept-Encoding": ACCEPT_ENCODING},
        follow_redirects=False,
        trust_env=False,
    )
    with client:
        while True:
            try:
                response = _send(client, method, current, data, own_headers, deadline)
            except OutboundRefused as exc:
                if not progress.redirects:
                    raise
                raise OutboundRefused(f"redirected to {ledger_address(str(current))}: {exc}") from None
            try:
                progress.status = response.status_code
                target = _next_hop(response, current, follow_redirects, progress)
                if target is None:
                    with _httpx_errors_told(current):
                        body = read_body(response, max_bytes=max_bytes, deadline=deadline)
            finally:
                progress.received = response.num_bytes_downloaded
                response.close()
            if target is not None:
                if (target.scheme, target.host, target.port) != (current.scheme, current.host, current.port):
                    own_headers = {k: v for k, v in own_headers.items() if k.lower() not in _PRIVATE_HEADERS}
                if response.status_code == 303 or (response.status_code in {301, 302} and method == "POST"):
                    method, data = ("HEAD" if method == "HEAD" else "GET"), None
                current = target
                continue
            return Fetched(
                status=response.status_code, url=str(current), headers=response.headers, body=body,
                elapsed=time.monotonic() - started, redirects=tuple(progress.redirects),
            )  # fmt: skip


def _next_hop(
    response: httpx.Response, current: httpx.URL, follow_redirects: bool, progress: Progress
) -> httpx.URL | None:
    """Where a redirect sends us (checked), or None when this answer is the one to read."""
    location = response.headers.get("location")
    if not follow_redirects or response.status_code not in _REDIRECTS or location is None:
        return None
    if len(progress.redirects) >= MAX_REDIRECTS:
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")
    target = _redirect_target(current, location)
    progress.url = str(target)
    progress.redirects.append(progress.url)
    return target


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    try:
        joined = current.join(location)
    except (httpx.InvalidURL, ValueError, UnicodeError) as exc:
        raise OutboundRefused(f"redirected to an invalid address ({exc})") from None
    try:
        return checked_url(joined)
    except OutboundRefused as exc:
        raise OutboundRefused(f"redirected to {ledger_address(str(joined))}: {exc}") from None


def _send(
    client: httpx.Client, method: str, url: httpx.URL, data: Any, headers: dict[str, str], deadline: float
) -> httpx.Response:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutboundTimeout("the server took longer than the time allowed")
    form, content = (data, None) if isinstance(data, dict) else (None, data)
    request = client.build_request(method, url, data=form, content=content, headers=headers, timeout=left)
    with _httpx_errors_told(url):
        return client.send(request, stream=True)


@contextmanager
def _httpx_errors_told(url: httpx.URL) -> Iterator[None]:
    """httpx's errors, as the fetcher's own one-line ones."""
    try:
        yield
    except httpx.TimeoutException:
        raise OutboundTimeout("the server took longer than the time allowed") from None
    except httpx.ConnectError as exc:
        raise ConnectionFailed(f"could not connect to {url.host} ({exc})") from None
    except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
        raise OutboundRefused(f"not a fetchable address ({exc})") from None
    except httpx.HTTPError as exc:
        raise BadResponse(f"{url.host} did not answer in HTTP Sampan can read ({exc})") from None
    except UnicodeError as exc:
        # httpx reads a redirect's Location even when not following it; a malformed "xn--" host fails there.
        raise OutboundRefused(f"redirected to an invalid address ({exc})") from None
