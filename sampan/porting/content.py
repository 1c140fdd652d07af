"""WordPress post text as Sampan stores it: HTML that renders the way it looked on the old site.

- Block-editor posts (`<!-- wp:… -->` comments) are HTML already; they are kept as they are, block comments
  included, so an export gives the blocks back. (A post that is one Custom HTML block is unwrapped: that is how
  Sampan's own export writes a post.)
- Classic-editor posts get paragraphs the way the classic editor showed them: a blank line starts a new
  paragraph, a single line break is a `<br>`, and block elements (lists, quotes, tables, figures…) are left as
  they are.
- [caption] becomes a `<figure>` with its `<figcaption>`, [gallery] a grid of the imported pictures; other
  shortcodes stay as text (what they drew came from a plugin we do not have).
- Links to the old site's uploads, including its resized copies (photo-300x200.jpg), point at the local copies.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

_BLOCK_MARK = re.compile(r"<!--\s*wp:[a-z]")
_ONLY_HTML_BLOCK = re.compile(r"^\s*<!-- wp:html -->\n?(.*?)\n?<!-- /wp:html -->\s*$", re.DOTALL)

BLOCK_TAGS = (
    "address|article|aside|audio|blockquote|caption|dd|details|div|dl|dt|fieldset|figcaption|figure|footer|"
    "form|h[1-6]|header|hgroup|hr|iframe|li|map|math|nav|object|ol|p|pre|section|summary|svg|table|tbody|td|"
    "tfoot|th|thead|tr|ul|video"
)
_BLOCK_OPEN = re.compile(rf"<({BLOCK_TAGS})\b[^>]*?(/?)>", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_VOID = {"hr"}


@dataclass(frozen=True)
class Picture:
    """An imported attachment, as [gallery] and [caption] need it."""

    url: str
    title: str
    parent_wp_id: int


def to_html(
    text: str,
    *,
    pictures: dict[int, Picture] | None = None,
    post_wp_id: int = 0,
    rewrite_url: Callable[[str], str] | None = None,
) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    wrapped = _ONLY_HTML_BLOCK.match(text)
    if wrapped:
        text = wrapped.group(1)
    elif not _BLOCK_MARK.search(text):
        text = paragraphs(shortcodes(text, pictures=pictures or {}, post_wp_id=post_wp_id))
    else:
        text = shortcodes(text, pictures=pictures or {}, post_wp_id=post_wp_id)
    return rewrite_links(text, rewrite_url) if rewrite_url else text


# Paragraphs --------------------------------------------------------------------------------------------------


def paragraphs(text: str) -> str:
    """Blank lines → paragraphs, single newlines → <br>, block elements kept whole."""
    out: list[str] = []
    for kind, segment in _segments(text):
        if kind == "block":
            out.append(segment.strip())
            continue
        for chunk in _PARAGRAPH_BREAK.split(segment):
            chunk = chunk.strip()
            if chunk:
                out.append("<p>" + re.sub(r"[ \t]*\n[ \t]*", "<br />\n", chunk) + "</p>")
    return "\n\n".join(out)


def _segments(text: str) -> list[tuple[str, str]]:
    """The text cut into ('text', …) runs and ('block', …) elements, each block from its opening tag to its
    matching closing tag (counting nested tags of the same name)."""
    segments: list[tuple[str, str]] = []
    position = 0
    while True:
        opening = _BLOCK_OPEN.search(text, position)
        if opening is None:
            segments.append(("text", text[position:]))
            return segments
        segments.append(("text", text[position : opening.start()]))
        end = _block_end(text, opening)
        segments.append(("block", text[opening.start() : end]))
        position = end


def _block_end(text: str, opening: re.Match[str]) -> int:
    name = opening.group(1).lower()
    if opening.group(2) or name in _VOID:
        return opening.end()
    tags = re.compile(rf"<(/?){name}\b[^>]*>", re.IGNORECASE)
    depth = 1
    for tag in tags.finditer(text, opening.end()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return len(text)  # never closed: the rest is that element, as a browser would read it


# Shortcodes --------------------------------------------------------------------------------------------------

_CAPTION = re.compile(r"(\[?)\[(caption|wp_caption)\b([^\]]*)\](.*?)\[/\2\](\]?)", re.DOTALL)
_GALLERY = re.compile(r"(\[?)\[gallery\b([^\]]*?)/?\](\]?)")
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'\]]+))""")
_LAST_MEDIA = re.compile(
    r"^(.*(?:<img\b[^>]*>|</a>|<video\b.*?</video>|<audio\b.*?</audio>))(.*)$", re.DOTALL
)


def attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(next(v for v in m.groups()[1:] if v is not None))
        for m in _ATTRIBUTE.finditer(text)
    }


def shortcodes(text: str, *, pictures: dict[int, Picture], post_wp_id: int = 0) -> str:
    text = _CAPTION.sub(_caption, text)
    return _GALLERY.sub(lambda m: _gallery(m, pictures, post_wp_id), text)


def _caption(match: re.Match[str]) -> str:
    if match.group(1) and match.group(5):  # [[caption]] is how WordPress writes the shortcode as text
        return match.group(0)[1:-1]
    attrs = attributes(match.group(3))
    inner = match.group(4).strip()
    split = _LAST_MEDIA.match(inner)
    media, caption = (split.group(1), split.group(2)) if split else (inner, "")
    caption = attrs.get("caption") or caption.strip()
    align = attrs.get("align", "")
    classes = "wp-caption" + (f" {html.escape(align)}" if align and align != "none" else "")
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure class="{classes}">{media.strip()}{figcaption}</figure>'


def _gallery(match: re.Match[str], pictures: dict[int, Picture], post_wp_id: int) -> str:
    if match.group(1) and match.group(3):
        return match.group(0)[1:-1]
    attrs = attributes(match.group(2))
    ids = [int(i) for i in re.findall(r"\d+", attrs.get("ids", "") or attrs.get("include", ""))]
    if not ids and post_wp_id:
        ids = sorted(wp_id for wp_id, p in pictures.items() if p.parent_wp_id == post_wp_id)
    found = [pictures[i] for i in ids if i in pictures]
    if not found:
        return match.group(0)  # nothing of it came with the import: leave the shortcode for the author to see
    columns = attrs.get("columns", "3")
    columns = columns if columns.isdigit() else "3"
    cells = "".join(
        f'<li><a href="{html.escape(p.url)}"><img src="{html.escape(p.url)}" alt="{html.escape(p.title)}"'
        ' loading="lazy" /></a></li>'
        for p in found
    )
    return f'<figure class="gallery gallery-columns-{columns}"><ul>{cells}</ul></figure>'


# Links to the old uploads ------------------------------------------------------------------------------------

_URL_ATTRIBUTE = re.compile(
    r"""(\b(?:src|href|srcset|poster)\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL
)


def rewrite_links(text: str, rewrite_url: Callable[[str], str]) -> str:
    def attribute(match: re.Match[str]) -> str:
        name, quote, value = match.groups()
        if name.strip().lower().startswith("srcset"):
            parts = [p.strip().split(None, 1) for p in value.split(",") if p.strip()]
            value = ", ".join(" ".join([rewrite_url(p[0]), *p[1:]]) for p in parts)
        else:
            value = rewrite_url(value)
        return f"{name}{quote}{value}{quote}"

    return _URL_ATTRIBUTE.sub(attribute, text)
