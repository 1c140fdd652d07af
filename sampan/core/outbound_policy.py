"""Where the outbound fetcher may go: the URL rules, the address rules, and the pinned connection.

A URL's host is resolved once, at the moment of connecting; every address it resolves to must be a public one,
and the connection is then made to one of exactly those addresses. Whatever the name resolves to a second later
no longer matters (DNS rebinding), and a redirect is a new connection that goes through the same check. TLS still
verifies the certificate against the host name, because the connection pool hands the name, not the address,
to the TLS layer.
"""

import functools
import ipaddress
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpcore
import httpx
from django.conf import settings

from .outbound_errors import ConnectionFailed, OutboundRefused, OutboundTimeout

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

SCHEMES = frozenset({"http", "https"})
# The web's own ports and their two common alternates (WordPress allows 80, 443 and 8080). Anything else would
# let a pingback or webmention make this server knock on mail, database or admin ports of other machines.
PORTS = frozenset({80, 443, 8080, 8443})

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")


def checked_url(raw: object) -> httpx.URL:
    """The URL, parsed, if the fetcher may ask for it; otherwise `OutboundRefused` saying why."""
    if not isinstance(raw, str | httpx.URL):
        raise OutboundRefused(f"{raw!r} is not an address")
    try:
        url = httpx.URL(raw)
        # Reading the host decodes its IDNA form, which is where malformed "xn--" names fail.
        scheme, userinfo, host = url.scheme, url.userinfo, url.host
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError) as exc:
        raise OutboundRefused(f"not a valid address ({exc})") from None
    if scheme not in SCHEMES:
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise OutboundRefused(f"only http and https addresses are fetched, not {shown}")
    if userinfo:
        raise OutboundRefused("addresses with a user name or password in them are not fetched")
    if not host:
        raise OutboundRefused("the address names no host")
    return url


def why_not_public(address: IPAddress) -> str:
    """What kind of non-public address this is, or "" for one on the public internet."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None:
            # An IPv4 address carried inside IPv6 goes where that IPv4 address goes: judge it instead.
            return why_not_public(embedded)
    checks = [
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("shared (carrier-grade NAT)", isinstance(address, ipaddress.IPv4Address) and address in _SHARED),
        ("private-network", address.is_private),
        ("reserved", address.is_reserved),
    ]
    for kind, hit in checks:
        if hit:
            return kind
    return "" if address.is_global else "non-public"


def loopback_allowed(address: IPAddress) -> bool:
    """`SAMPAN_OUTBOUND_ALLOW_LOOPBACK` (tests only) lets 127.0.0.0/8 and ::1 through, nothing else."""
    if not settings.OUTBOUND_ALLOW_LOOPBACK:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address.is_loopback
    return address == ipaddress.IPv6Address("::1")


def resolve_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to (the system resolver, with its own timeouts). Tests replace this."""
    # Offline, only addresses written as numbers (in any spelling the resolver reads) are turned into addresses:
    # no name is looked up.
    offline = settings.OUTBOUND_OFFLINE and host != "localhost"
    try:
        infos = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST if offline else 0
        )
    except (socket.gaierror, UnicodeError) as exc:
        why = "outbound requests stay on this machine" if offline else exc
        raise ConnectionFailed(f"could not find the host {host} ({why})") from None
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in found:
            found.append(address)
    return found


# The system resolver has no deadline of its own that we set, so lookups run here and are waited for only as long
# as the fetch has left; a lookup that hangs ties up one of these threads, not the fetch.
_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sampan-outbound-dns")


def _resolve_by(host: str, port: int, deadline: float) -> list[IPAddress]:
    lookup = _lookups.submit(resolve_addresses, host, port)
    try:
        return lookup.result(timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        raise OutboundTimeout(f"looking up {host} took longer than the time allowed") from None


def vetted_addresses(host: str, port: int, *, deadline: float) -> list[IPAddress]:
    """The addresses to connect to for `host`, or `OutboundRefused` if any of them is not public."""
    try:
        addresses: list[IPAddress] = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        addresses = _resolve_by(host, port, deadline)
    if not addresses:
        raise ConnectionFailed(f"could not find the host {host}")
    all_loopback = True
    for address in addresses:
        if loopback_allowed(address):
            continue
        all_loopback = False
        if kind := why_not_public(address):
            named = "is" if host.strip("[]") == str(address) else "resolves to"
            raise OutboundRefused(f"{host} {named} a {kind} address, which is never fetched")
    if port not in PORTS and not all_loopback:
        raise OutboundRefused(f"port {port} is not fetched (only {', '.join(map(str, sorted(PORTS)))})")
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every wait ends by the fetch's deadline, however the server dribbles."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream, self._deadline = stream, deadline

    def _timeout(self, timeout: float | None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise OutboundTimeout("the server took longer than the time allowed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        secured = self._stream.start_tls(ssl_context, server_hostname, self._timeout(timeout))
        return _DeadlineStream(secured, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class PinnedNetwork(httpcore.NetworkBackend):
    """Connects only to vetted addresses of the host asked for, each wait bounded by the deadline."""

    def __init__(self, *, deadline: float) -> None:
        self._deadline = deadline
        self._network = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = vetted_addresses(host, port, deadline=self._deadline)
        failure: Exception | None = None
        for address in addresses:
            left = self._deadline - time.monotonic()
            if left <= 0:
                break
            wait = left if timeout is None else min(timeout, left)
            if settings.OUTBOUND_OFFLINE and not address.is_loopback:
                failure = httpcore.ConnectError("outbound requests stay on this machine")
                continue
            try:
                stream = self._network.connect_tcp(str(address), port, wait, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return _DeadlineStream(stream, self._deadline)
        if isinstance(failure, httpcore.ConnectError):
            raise ConnectionFailed(f"could not connect to {host} ({failure})")
        raise OutboundTimeout(f"could not connect to {host} in the time allowed")

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise OutboundRefused("unix sockets are never fetched")


class PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport, on a connection pool that connects through `PinnedNetwork`."""

    def __init__(self, *, deadline: float, ssl_context: Any = None) -> None:
        context = ssl_context or tls_context()
        super().__init__(verify=context, trust_env=False)
        # httpx takes no network backend of its own; its pool does, so the pool is made here (one per fetch).
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=4,
            network_backend=PinnedNetwork(deadline=deadline),
        )


@functools.cache
def tls_context() -> Any:
    """The certificate authorities the fetcher trusts (certifi's), loaded once. Tests replace this."""
    return httpx.create_ssl_context(trust_env=False)
