"""A comment as readers see it: plain text with a few formatting marks, any HTML sanitized.

Commenters write paragraphs separated by blank lines, *emphasis*, **strong**, `code`, > quotes, and may use a
handful of inline HTML tags. Bare web addresses become links. Every link gets `rel="nofollow ugc noopener"`:
the blog vouches for none of them. Long words are broken by CSS (`overflow-wrap: anywhere`), not here.
"""

import re

import nh3
from markdown_it import MarkdownIt

from sampan.core.sanitize import URL_SCHEMES

COMMENT_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "p",
    "q",
    "s",
    "strong",
}
# No `cite` on quotes: it holds an address that nh3 does not check the scheme of, and comments need none.
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
LINK_REL = "nofollow ugc noopener"

_markdown = MarkdownIt("zero", {"html": True, "breaks": True}).enable(
    ["emphasis", "backticks", "blockquote", "newline", "escape", "html_inline", "autolink"]
)
_BARE_URL = re.compile(r"(?<![\"'=>/\w])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])", re.IGNORECASE)
_LINK = re.compile(r"<a\b", re.IGNORECASE)


def render_comment(text: str) -> str:
    """The HTML for a comment's text. Safe to show as is."""
    html = _markdown.render(_autolink(text))
    return nh3.clean(
        html,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _autolink(text: str) -> str:
    # CommonMark's <url> form; markdown-it turns it into a link (and escapes it) itself.
    return _BARE_URL.sub(r"<\1>", text)


def count_links(text: str) -> int:
    """How many links a comment carries once rendered: what the link-count rule counts."""
    return len(_LINK.findall(render_comment(text)))


_WEB_ADDRESS = re.compile(r"(?i)https?://[^\s]")


def web_address(url: str) -> str:
    """`url` when it is a web address safe to link to, else "": a `javascript:` or `data:` website (from an
    import or an API client, past the form's checks) is never stored, so no template can link it."""
    return url if _WEB_ADDRESS.match(url or "") else ""
