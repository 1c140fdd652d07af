"""Turning outside HTML into HTML that is safe to show on our pages (nh3, the Ammonia sanitizer)."""

import re

import nh3

# What an author's post body may hold: text structure, media, tables. No scripts, styles, forms or frames.
POST_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "picture", "pre", "q", "s", "samp", "small", "source", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "audio", "video",
}  # fmt: skip
POST_ATTRIBUTES = {
    "*": {"title", "lang", "dir", "id", "class"},
    "a": {"href", "hreflang", "name"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "audio": {"src", "controls", "preload"},
    "video": {"src", "controls", "preload", "poster", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "reversed", "type"},
    "time": {"datetime"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# A text widget or badge: inline formatting, links, images.
WIDGET_TAGS = {"a", "b", "br", "em", "i", "img", "p", "small", "span", "strong", "ul", "ol", "li"}
WIDGET_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}}


# Ammonia checks the scheme of href and src only; these attributes hold URLs too.
OTHER_URL_ATTRIBUTES = {"srcset", "cite", "poster"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside a URL's scheme


def _allowed_url(url: str) -> bool:
    scheme = _SCHEME.match(_URL_NOISE.sub("", url))
    return scheme is None or scheme.group(1).lower() in URL_SCHEMES


def _drop_unsafe_urls(element: str, attribute: str, value: str) -> str | None:
    if attribute not in OTHER_URL_ATTRIBUTES:
        return value
    urls = (
        [candidate.strip().split(" ")[0] for candidate in value.split(",")]
        if attribute == "srcset"
        else [value]
    )
    return value if all(_allowed_url(url) for url in urls) else None


def clean_post_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=POST_TAGS,
        attributes=POST_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        attribute_filter=_drop_unsafe_urls,
    )


def clean_widget_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=WIDGET_TAGS,
        attributes=WIDGET_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        attribute_filter=_drop_unsafe_urls,
    )
