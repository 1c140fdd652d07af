"""What a mentioning page says about itself, read from its microformats2 (mf2py): is it a reply, a like, a
repost, a bookmark or a plain mention of our post; who wrote it (name, address, photo); its text and date.

The entry read is the page's h-entry that points at our post (by `in-reply-to`, `like-of`, `repost-of`,
`bookmark-of`), else its first h-entry (inside an h-feed too). The author is the entry's `author`, else the
page's first top-level h-card. A page without microformats is a plain mention with no author.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import mf2py
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .links import normalised

log = logging.getLogger(__name__)

# In the order they decide: a reply that also likes is shown as the reply.
_RESPONSE_PROPERTIES = (
    ("in-reply-to", "reply"),
    ("repost-of", "repost"),
    ("like-of", "like"),
    ("bookmark-of", "bookmark"),
)
MAX_TEXT = 2000
MAX_NAME = 200


@dataclass(frozen=True)
class SourceEntry:
    mention_type: str = "mention"
    author_name: str = ""
    author_url: str = ""
    author_photo: str = ""  # the address of the photo on the source's site; fetched and kept locally later
    text: str = ""  # plain text of the entry's content (or summary), truncated
    published: datetime | None = None


def read_entry(html: str, *, url: str, target: str) -> SourceEntry:
    """The mf2 reading of the page at `url` as it concerns `target`."""
    try:
        parsed = mf2py.parse(doc=html, url=url)
    except Exception:
        # A parser bug on hostile markup must not lose the mention itself: it stays a plain mention.
        log.warning("mf2 parsing of %s failed", url, exc_info=True)
        return SourceEntry()
    items = parsed.get("items", []) if isinstance(parsed, dict) else []
    entries = list(_entries(items))
    wanted = normalised(target)
    chosen, kind = None, "mention"
    for entry in entries:
        kind = _response_kind(entry, wanted)
        if kind != "mention":
            chosen = entry
            break
    if chosen is None and entries:
        chosen, kind = entries[0], "mention"
    if chosen is None:
        return SourceEntry()
    props = chosen.get("properties", {})
    name, author_url, photo = _author(props.get("author", []), items)
    return SourceEntry(
        mention_type=kind,
        author_name=name[:MAX_NAME],
        author_url=author_url if normalised(author_url) else "",
        author_photo=photo if normalised(photo) else "",
        text=_text(props)[:MAX_TEXT],
        published=_date(_first(props.get("published", []))),
    )


def _entries(items: list[Any]) -> Any:
    for item in items:
        if not isinstance(item, dict):
            continue
        types = item.get("type", [])
        if "h-entry" in types:
            yield item
        elif "h-feed" in types:
            yield from _entries(item.get("children", []))


def _response_kind(entry: dict[str, Any], wanted: str) -> str:
    props = entry.get("properties", {})
    for name, kind in _RESPONSE_PROPERTIES:
        for value in props.get(name, []):
            if normalised(_url_of(value)) == wanted:
                return kind
    return "mention"


def _url_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "properties" in value:
            return str(_first(value["properties"].get("url", [])) or value.get("value", ""))
        return str(value.get("value", ""))
    return ""


def _first(values: list[Any]) -> Any:
    return values[0] if values else None


def _author(authors: list[Any], items: list[Any]) -> tuple[str, str, str]:
    author = _first(authors)
    if author is None:
        author = next((i for i in items if isinstance(i, dict) and "h-card" in i.get("type", [])), None)
    if isinstance(author, str):
        return ("", author, "") if normalised(author) else (author, "", "")
    if not isinstance(author, dict):
        return "", "", ""
    props = author.get("properties", {})
    name = _plain(_first(props.get("name", [])) or author.get("value", ""))
    return name, _url_of(_first(props.get("url", [])) or ""), _url_of(_first(props.get("photo", [])) or "")


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("value", "")
    return " ".join(str(value or "").split())


def _text(props: dict[str, Any]) -> str:
    for name in ("content", "summary"):
        value = _first(props.get(name, []))
        if value:
            return _plain(value)
    return ""


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = parse_datetime(value.strip().replace(" ", "T", 1))
        if moment is None:
            day = parse_date(value.strip())
            moment = datetime(day.year, day.month, day.day) if day else None
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    # A date from the future (or before blogs) is no date to sort a thread by.
    if moment > timezone.now() or moment.year < 1990:
        return None
    return moment
