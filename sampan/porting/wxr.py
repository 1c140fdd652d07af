"""Reading a WordPress eXtended RSS (WXR) file, one element at a time, safely.

The file is read with lxml's iterparse and each item is cleared once read, so memory stays flat however large
the export. The parser resolves no entities, loads no DTD and never goes to the network; a file that declares a
DOCTYPE (where XML bombs and external entities live) is refused before anything is read from it.

`read_wxr(path)` yields, in file order: one `Channel` (before anything else), then `Author`, `Term` and `Item`
records. Errors are `WxrError`s with a line number and a message written for the person importing.
"""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

WXR_VERSIONS = ("1.0", "1.1", "1.2")
# WordPress has written both http:// and https:// forms of its namespaces.
_WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/$")
_EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/excerpt/$")
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
NOT_WXR = "This does not appear to be a WXR file, missing or unknown WXR version number"


class WxrError(ValueError):
    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Channel:
    version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


@dataclass
class Author:
    login: str
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""
    wp_id: int | None = None
    line: int = 0


@dataclass
class Term:
    taxonomy: str  # category, post_tag, or a custom taxonomy's name
    slug: str
    name: str
    parent: str = ""  # the parent's slug
    description: str = ""
    line: int = 0


@dataclass
class WxrComment:
    wp_id: int
    author: str = ""
    email: str = ""
    url: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = "1"
    type: str = ""
    parent: int = 0
    user_id: int = 0
    meta: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Item:
    line: int
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    wp_id: int = 0
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    parent: int = 0
    menu_order: int = 0
    post_type: str = ""
    password: str = ""
    sticky: bool = False
    comment_status: str = ""
    ping_status: str = ""
    attachment_url: str = ""
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # (domain, slug, name)
    meta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[WxrComment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.post_type or 'item'} {self.wp_id} “{self.title or '(no title)'}” (line {self.line})"


@functools.lru_cache(maxsize=1024)  # a file has a few dozen distinct tags, met millions of times
def _kind(tag: str) -> tuple[str, str]:
    """('wp' | 'excerpt' | 'content' | 'dc' | '', local name) of an element's tag."""
    if not tag.startswith("{"):
        return "", tag
    ns, local = tag[1:].split("}", 1)
    if _WP_NS.match(ns):
        return "wp", local
    if _EXCERPT_NS.match(ns):
        return "excerpt", local
    if ns == CONTENT_NS:
        return "content", local
    if ns == DC_NS:
        return "dc", local
    return "?", local


def _text(element: Any) -> str:
    return element.text or ""


def _int(value: str, *, line: int, what: str) -> int:
    value = value.strip()
    if not value:
        return 0
    try:
        return int(value)
    except ValueError:
        raise WxrError(f"{what} is {value!r}, not a number (line {line})", line=line) from None


def _fields(element: Any) -> dict[str, str]:
    return {_kind(child.tag)[1]: _text(child) for child in element if isinstance(child.tag, str)}


def _author(element: Any) -> Author:
    f = _fields(element)
    return Author(
        login=f.get("author_login", "").strip(),
        email=f.get("author_email", "").strip(),
        display_name=f.get("author_display_name", "").strip(),
        first_name=f.get("author_first_name", "").strip(),
        last_name=f.get("author_last_name", "").strip(),
        wp_id=_int(f.get("author_id", ""), line=element.sourceline, what="wp:author_id") or None,
        line=element.sourceline,
    )


def _term(local: str, element: Any) -> Term:
    f = _fields(element)
    if local == "category":
        return Term("category", f.get("category_nicename", ""), f.get("cat_name", ""),
                    f.get("category_parent", ""), f.get("category_description", ""), element.sourceline)  # fmt: skip
    if local == "tag":
        return Term("post_tag", f.get("tag_slug", ""), f.get("tag_name", ""), "",
                    f.get("tag_description", ""), element.sourceline)  # fmt: skip
    return Term(f.get("term_taxonomy", ""), f.get("term_slug", ""), f.get("term_name", ""),
                f.get("term_parent", ""), f.get("term_description", ""), element.sourceline)  # fmt: skip


def _comment(element: Any) -> WxrComment:
    line = element.sourceline
    f: dict[str, str] = {}
    meta: list[tuple[str, str]] = []
    for child in element:
        if not isinstance(child.tag, str):
            continue
        local = _kind(child.tag)[1]
        if local == "commentmeta":
            m = _fields(child)
            meta.append((m.get("meta_key", ""), m.get("meta_value", "")))
        else:
            f[local] = _text(child)
    return WxrComment(
        wp_id=_int(f.get("comment_id", ""), line=line, what="wp:comment_id"),
        author=f.get("comment_author", "").strip(),
        email=f.get("comment_author_email", "").strip(),
        url=f.get("comment_author_url", "").strip(),
        date=f.get("comment_date", "").strip(),
        date_gmt=f.get("comment_date_gmt", "").strip(),
        content=f.get("comment_content", ""),
        approved=f.get("comment_approved", "1").strip(),
        type=f.get("comment_type", "").strip(),
        parent=_int(f.get("comment_parent", ""), line=line, what="wp:comment_parent"),
        user_id=_int(f.get("comment_user_id", ""), line=line, what="wp:comment_user_id"),
        meta=meta,
    )


def _item(element: Any) -> Item:
    item = Item(line=element.sourceline)
    wp: dict[str, str] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        ns, local = _kind(child.tag)
        if ns == "wp" and local == "comment":
            item.comments.append(_comment(child))
        elif ns == "wp" and local == "postmeta":
            m = _fields(child)
            item.meta.append((m.get("meta_key", ""), m.get("meta_value", "")))
        elif ns == "wp":
            wp[local] = _text(child)
        elif ns == "" and local == "category":
            item.terms.append((child.get("domain", ""), child.get("nicename", ""), _text(child)))
        elif ns == "" and local in ("title", "link", "guid"):
            setattr(item, local, _text(child).strip())
        elif ns == "dc" and local == "creator":
            item.creator = _text(child).strip()
        elif ns == "content" and local == "encoded":
            item.content = _text(child)
        elif ns == "excerpt" and local == "encoded":
            item.excerpt = _text(child)
    line = item.line
    item.wp_id = _int(wp.get("post_id", ""), line=line, what="wp:post_id")
    item.post_date = wp.get("post_date", "").strip()
    item.post_date_gmt = wp.get("post_date_gmt", "").strip()
    item.post_name = wp.get("post_name", "").strip()
    item.status = wp.get("status", "").strip()
    item.parent = _int(wp.get("post_parent", ""), line=line, what="wp:post_parent")
    item.menu_order = _int(wp.get("menu_order", ""), line=line, what="wp:menu_order")
    item.post_type = wp.get("post_type", "").strip()
    item.password = wp.get("post_password", "")
    item.sticky = wp.get("is_sticky", "0").strip() == "1"
    item.comment_status = wp.get("comment_status", "").strip()
    item.ping_status = wp.get("ping_status", "").strip()
    item.attachment_url = wp.get("attachment_url", "").strip()
    return item


def _syntax_error(err: etree.XMLSyntaxError) -> WxrError:
    line = err.lineno
    text = " ".join(str(err.msg or err).split())  # one line: libxml2 quotes the broken text, newlines and all
    if "encoding" in text.lower() or "utf-8" in text.lower():
        why = (
            "the file is not in the character encoding it declares (export it again, or convert it to UTF-8)"
        )
    elif "Namespace prefix" in text:
        prefix = text.split("Namespace prefix ", 1)[1].split(" ", 1)[0]
        why = f"the namespace prefix “{prefix}” is used but never declared"
    elif any(
        sign in text for sign in ("Premature end", "EndTag", "end of data", "not finished", "unfinished")
    ):
        why = "the file ends early (it may be truncated: download or export it again)"
    elif "Entity" in text or "entity" in text:
        why = "it uses an entity that is not defined (XML bombs and external entities are refused)"
    else:
        why = "it is not well-formed XML"
    return WxrError(
        f"There was an error when reading this WXR file at line {line}: {why} ({text})", line=line
    )


class WxrReader:
    """Iterates over a WXR file's records; `line` is where the reader is (for messages on failure)."""

    def __init__(self, path: Path | str, *, light: bool = False) -> None:
        """`light`: read only the ID, type and title of items other than attachments (a first pass)."""
        self.path = Path(path)
        self.light = light
        self.line = 0

    def __iter__(self) -> Iterator[Channel | Author | Term | Item]:
        parser = etree.iterparse(
            str(self.path),
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        depth = 0
        channel: Channel | None = None
        version = ""
        try:
            for event, element in parser:
                if event == "start":
                    if depth == 0:
                        _refuse_doctype(element)
                    depth += 1
                    if depth == 3 and _kind(element.tag) == ("", "item"):
                        self.line = element.sourceline or self.line
                    continue
                depth -= 1
                if depth != 2:
                    continue
                self.line = element.sourceline or self.line
                ns, local = _kind(element.tag)
                if channel is None:
                    if ns == "wp" and local == "wxr_version":
                        version = _text(element).strip()
                        continue
                    if ns in ("wp", "") and local in ("author", "category", "tag", "term", "item"):
                        channel = _channel(element.getparent(), version)
                        yield channel
                    else:
                        continue
                outline = _outline(element) if self.light and local == "item" else None
                record = outline or _record(ns, local, element)
                # Done with it: clear it and what came before, so memory does not grow with the file.
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
                if record is not None:
                    yield record
        except etree.XMLSyntaxError as err:
            raise _syntax_error(err) from None
        if channel is None:
            # A file with a channel but no items (a fresh site, or categories only) still needs a version.
            root = parser.root
            yield _channel(root.find("channel") if root is not None else None, version)


def _refuse_doctype(root: Any) -> None:
    info = root.getroottree().docinfo
    if info.internalDTD is not None or info.doctype or info.system_url or info.public_id:
        raise WxrError(
            "This file declares a DOCTYPE: XML bombs and external entities are refused "
            "(a WordPress export never has one).",
            line=1,
        )


def _channel(element: Any, version: str) -> Channel:
    if version not in WXR_VERSIONS:
        raise WxrError(NOT_WXR, line=element.sourceline if element is not None else None)
    channel = Channel(version=version)
    if element is None:
        return channel
    for child in element:
        if not isinstance(child.tag, str):
            continue
        ns, local = _kind(child.tag)
        if (ns == "" and local in ("title", "link")) or (
            ns == "wp" and local in ("base_site_url", "base_blog_url")
        ):
            setattr(channel, local, _text(child).strip())
    channel.base_site_url = channel.base_site_url or channel.link
    channel.base_blog_url = channel.base_blog_url or channel.base_site_url
    return channel


def _outline(element: Any) -> Item | None:
    """An item's ID, type and title only; None for an attachment, which is read in full."""
    item = Item(line=element.sourceline)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        ns, local = _kind(child.tag)
        if ns == "wp" and local == "post_id":
            item.wp_id = _int(_text(child), line=item.line, what="wp:post_id")
        elif ns == "wp" and local == "post_type":
            item.post_type = _text(child).strip()
        elif ns == "" and local == "title":
            item.title = _text(child).strip()
    return None if item.post_type == "attachment" else item


def _record(ns: str, local: str, element: Any) -> Author | Term | Item | None:
    if ns == "" and local == "item":
        return _item(element)
    if ns != "wp":
        return None
    if local == "author":
        return _author(element)
    if local in ("category", "tag", "term"):
        return _term(local, element)
    return None


def read_wxr(path: Path | str, *, light: bool = False) -> Iterator[Channel | Author | Term | Item]:
    return iter(WxrReader(path, light=light))
