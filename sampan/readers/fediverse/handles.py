"""From what a reader types (`@name@instance.example`, `name@instance.example`, `instance.example`,
`https://instance.example/@name`) to the instance's host, or a message saying what is wrong with it."""

import re

import httpx

MAX_TYPED = 320
_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


class NotAnInstance(ValueError):
    """What was typed names no instance. `str()` is a sentence for the reader."""


def instance_of(typed: str) -> str:
    """The instance's host, lower-case and in its ASCII (IDNA) form, with a port only when not 443."""
    text = typed.strip()
    if not text:
        raise NotAnInstance("Type your Fediverse address, like @you@mastodon.social, or your server's name.")
    if len(text) > MAX_TYPED:
        raise NotAnInstance("That is too long to be a Fediverse address.")
    if "://" in text:
        return _host_of_url(text)
    if text.startswith("@") or ("@" in text and "/" not in text):
        parts = text.removeprefix("@").split("@")
        if len(parts) != 2 or not _NAME.fullmatch(parts[0]):
            raise NotAnInstance("A Fediverse address looks like @you@mastodon.social.")
        return _host(parts[1])
    if "/" in text.rstrip("/"):  # a profile address without its scheme: mastodon.social/@you
        return _host_of_url(f"https://{text}")
    return _host(text.rstrip("/"))


def _host_of_url(text: str) -> str:
    try:
        url = httpx.URL(text)
        scheme, userinfo, host = url.scheme, url.userinfo, url.host
    except (httpx.InvalidURL, ValueError, UnicodeError):
        raise NotAnInstance("That address is not one Sampan can read.") from None
    if scheme != "https" or userinfo or not host:
        raise NotAnInstance(
            "Give your server as https://server.example, or your address as @you@server.example."
        )
    return _host(f"{host}:{url.port}" if url.port else host)


def _host(text: str) -> str:
    try:
        url = httpx.URL(f"https://{text}/")
        name, port = url.raw_host.decode("ascii").lower().rstrip("."), url.port
        extra = (url.userinfo, url.path, url.query, url.fragment)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        raise NotAnInstance(f"“{text}” is not a server name Sampan can read.") from None
    labels = name.split(".")
    if extra != (b"", "/", b"", "") or len(labels) < 2 or not all(_LABEL.fullmatch(part) for part in labels):
        raise NotAnInstance(f"“{text}” is not a server name, like mastodon.social.")
    if port is not None and not 0 < port < 65536:
        raise NotAnInstance(f"“{text}” has a port number no server can have.")
    return f"{name}:{port}" if port else name
