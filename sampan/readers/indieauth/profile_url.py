"""A reader's website address as IndieAuth names a person: the rules of a "user profile URL" and its canonical form.

    profile_url("Example.com")   # "https://example.com/"
    profile_url("https://example.com:8443/")   # NotAProfileURL: "… must not name a port …"

The IndieAuth Living Standard says a profile URL has the http or https scheme, a path ("/" at least, with no "."
or ".." segments), maybe a query, no fragment, no user name or password, no port, and a host that is a domain
name, never an IP address. A bare host ("example.com") is taken as https. Host names compare case-insensitively,
so they are kept in lower case.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings


class NotAProfileURL(ValueError):
    """What the reader typed cannot name them; the message says why, in words for them."""


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def profile_url(typed: str) -> str:
    """The canonical profile URL for what the reader typed, or `NotAProfileURL` saying what is wrong with it."""
    text = typed.strip()
    if not text:
        raise NotAProfileURL("Type the address of your website, for example example.com.")
    if "://" not in text:
        if _SCHEME.match(text):
            raise NotAProfileURL("A website address starts with https:// or http://.")
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise NotAProfileURL("That is not a website address Sampan can read.") from None
    if parts.scheme.lower() not in {"http", "https"}:
        raise NotAProfileURL("A website address starts with https:// or http://.")
    if "#" in text:
        raise NotAProfileURL(
            "Leave out the part from “#” on: a website address for signing in has no fragment."
        )
    if "@" in parts.netloc:
        raise NotAProfileURL("Leave out the user name or password (the part before “@”).")
    # Tests reach their fake websites on loopback ports; a real profile URL never names a port.
    testing_port = settings.OUTBOUND_ALLOW_LOOPBACK and port is not None
    if (port is not None or parts.netloc.endswith(":")) and not testing_port:
        raise NotAProfileURL("Leave out the port (the “:” and number after the host name).")
    host = _domain_name(parts.hostname or "")
    path = parts.path or "/"
    if any(segment in {".", ".."} for segment in path.split("/")):
        raise NotAProfileURL("The path of the address must not contain “.” or “..” segments.")
    shown_port = f":{port}" if port is not None else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{host}{shown_port}{path}{query}"


def _domain_name(host: str) -> str:
    if not host:
        raise NotAProfileURL("The address names no website.")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise NotAProfileURL("Use your website's name, not an IP address.")
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise NotAProfileURL("That host name is not a valid domain name.") from None
    labels = ascii_host.rstrip(".").split(".")
    # Browsers read a host whose last label is a number ("127.1", "0x7f.1") as an IPv4 address.
    if _NUMERIC_LABEL.match(labels[-1]):
        raise NotAProfileURL("Use your website's name, not an IP address.")
    if not all(re.fullmatch(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?", label) for label in labels):
        raise NotAProfileURL("That host name is not a valid domain name.")
    return ".".join(labels)
