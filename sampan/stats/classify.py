"""Who is asking: a reader, a robot, a prefetch, a feed reader; and where they came from.

Robots are known by their user agent (a list of the words crawlers, monitors and HTTP libraries put there) or by
what a browser always sends and they often do not (a user agent, `Accept`, `Accept-Language`). Prefetches and
prerenders (`Sec-Purpose`/`Purpose: prefetch`, `X-Moz: prefetch`) are not views: the reader may never look.
"""

import functools
import re
from typing import Any

# Words crawlers, monitors, link previewers and HTTP libraries put in their user agent (lower case).
ROBOT_WORDS = (
    "bot", "crawl", "spider", "slurp", "archiver", "fetch", "scrape", "monitor", "checker", "preview",
    "headless", "phantomjs", "lighthouse", "pingdom", "uptime", "curl", "wget", "httpie", "python", "aiohttp",
    "httpx", "okhttp", "go-http", "java/", "libwww", "perl", "ruby", "node-fetch", "axios", "guzzle",
    "facebookexternalhit", "embedly", "whatsapp", "mastodon", "pleroma", "feed", "rss", "wrk", "apachebench",
    "siege", "k6/",
)  # fmt: skip
# "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers; )", "Inoreader/1.0 (… 45 subscribers; …)"
FEED_SUBSCRIBERS = re.compile(r"(\d[\d,]*)\s+(?:subscribers|readers|users)", re.IGNORECASE)
FEED_SOURCE = re.compile(r"^([A-Za-z][\w .-]{0,58}?)(?:/[\d.]+| \(|$)")

SEARCH_ENGINES = {
    "google": "Google",
    "bing": "Bing",
    "duckduckgo": "DuckDuckGo",
    "yahoo": "Yahoo",
    "yandex": "Yandex",
    "baidu": "Baidu",
    "ecosia": "Ecosia",
    "qwant": "Qwant",
    "startpage": "Startpage",
    "kagi": "Kagi",
    "search.brave": "Brave Search",
    "naver": "Naver",
    "seznam": "Seznam",
}


def is_robot(environ: dict[str, Any], agent: str) -> bool:
    return (
        not agent
        or "HTTP_ACCEPT" not in environ
        or "HTTP_ACCEPT_LANGUAGE" not in environ
        or agent_is_robot(agent)
    )


@functools.lru_cache(maxsize=4096)
def agent_is_robot(agent: str) -> bool:
    """Remembered per user agent: readers' browsers send a few hundred distinct ones, and this is on every view."""
    lowered = agent.lower()
    return any(word in lowered for word in ROBOT_WORDS)


def is_prefetch(environ: dict[str, Any]) -> bool:
    if "HTTP_SEC_PURPOSE" not in environ and "HTTP_PURPOSE" not in environ and "HTTP_X_MOZ" not in environ:
        return False  # the usual case, answered without building a string
    return is_prefetch_purpose(
        environ.get("HTTP_SEC_PURPOSE", "") + environ.get("HTTP_PURPOSE", "") + environ.get("HTTP_X_MOZ", "")
    )


def is_prefetch_purpose(purpose: str) -> bool:
    """`purpose`: the Sec-Purpose, Purpose and X-Moz headers, run together."""
    lowered = purpose.lower()
    return "prefetch" in lowered or "prerender" in lowered


def asks_not_to_be_tracked(environ: dict[str, Any]) -> bool:
    return opted_out(environ.get("HTTP_SEC_GPC"), environ.get("HTTP_DNT"))


def opted_out(gpc: str | None, dnt: str | None) -> bool:
    """Sec-GPC: 1 or DNT: 1 (the header values, or None when not sent)."""
    return (gpc or "").strip() == "1" or (dnt or "").strip() == "1"


@functools.lru_cache(maxsize=4096)
def referrer_domain(referer: str, own_host: str) -> str:
    """The referring site's host name, without `www.`; empty for our own pages and anything unreadable.
    Remembered: most views come from a few referring pages (and most from none)."""
    if "://" not in referer:
        return ""
    host = referer.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().strip(".")
    if host.startswith("www."):
        host = host[4:]
    if not host or host == own_host or not re.fullmatch(r"[a-z0-9.-]{1,253}", host):
        return ""
    return host


def search_engine(domain: str) -> str:
    for word, name in SEARCH_ENGINES.items():
        if word in domain.split(".") or domain.startswith(word + ".") or f".{word}." in f".{domain}.":
            return name
    return ""


def feed_reader(agent: str) -> tuple[str, int | None]:
    """(service, subscribers) when a feed reader says how many it fetches for; ("", None) otherwise."""
    found = FEED_SUBSCRIBERS.search(agent)
    if not found:
        return "", None
    name = FEED_SOURCE.match(agent)
    source = (name.group(1).strip() if name else "a feed reader")[:60]
    return source, min(int(found.group(1).replace(",", "")), 10_000_000)
