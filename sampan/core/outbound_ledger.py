"""Writing the outbound ledger: one `OutboundRequest` row per fetch, in words and addresses safe to keep."""

import time
from contextlib import suppress
from dataclasses import dataclass, field

import httpx

from .models import OutboundRequest


@dataclass
class Progress:
    """How far a fetch got, filled in as it goes, so a failure part-way is recorded as truly as a success."""

    url: str = ""
    status: int | None = None
    received: int = 0
    redirects: list[str] = field(default_factory=list)


def ledger_address(url: str) -> str:
    """A URL as the ledger keeps it: without user name or password, printable, not endless."""
    try:
        parsed = httpx.URL(url)
        if parsed.userinfo:
            url = str(parsed.copy_with(userinfo=b""))
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        scheme, sep, rest = url.partition("://")
        authority, slash, path = rest.partition("/")
        if sep and "@" in authority:
            url = f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"
    printable = "".join(c if c.isprintable() else repr(c)[1:-1] for c in url)
    return printable.encode("utf-8", "backslashreplace").decode("utf-8")[:4000]


def record_outbound_request(
    url: str, purpose: str, method: str, progress: Progress, started: float, *, outcome: str, error: str
) -> None:
    host = ""
    # An unparseable address has no host to file it under; the address itself is still kept.
    with suppress(httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        host = httpx.URL(str(url)).host[:255]
    OutboundRequest.objects.create(
        purpose=purpose[:50], method=method.upper()[:10], url=ledger_address(str(url)), host=host,
        outcome=outcome, status=progress.status, error=ledger_address(error)[:500],
        final_url=ledger_address(progress.url) if progress.redirects else "", redirects=len(progress.redirects),
        bytes_received=progress.received, duration_ms=round((time.monotonic() - started) * 1000),
    )  # fmt: skip
