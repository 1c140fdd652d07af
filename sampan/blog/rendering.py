"""Turning what an author typed into the HTML readers get: Markdown (or HTML), always sanitized."""

import re
from html import unescape

from markdown_it import MarkdownIt

from sampan.core.sanitize import clean_post_html

_markdown = MarkdownIt("commonmark", {"typographer": True, "linkify": False}).enable(
    ["table", "strikethrough", "replacements", "smartquotes"]
)
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def render_body(source: str, *, body_format: str) -> str:
    html = source if body_format == "html" else _markdown.render(source)
    return clean_post_html(html)


def plain_text(html: str) -> str:
    """The words of an HTML fragment, for search, excerpts and descriptions."""
    return _SPACE.sub(" ", unescape(_TAGS.sub(" ", html))).strip()


def summary(html: str, *, words: int = 55) -> str:
    parts = plain_text(html).split(" ")
    text = " ".join(parts[:words])
    return text + (" […]" if len(parts) > words else "")
