"""What an author (or an importer) writes can hold no active content once rendered: no script runs on our pages.

Vectors: payloadbox's XSS list (MIT), OWASP's XSS Filter Evasion Cheat Sheet (CC BY-SA 4.0, "XSS Filter Evasion
Cheat Sheet", OWASP Cheat Sheet Series) and html5lib's sanitizer cases (MIT); see tests/fixtures/*/LICENSE.md.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sampan.blog.rendering import render_body
from sampan.core.sanitize import clean_widget_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

ACTIVE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form", "input", "button",
    "textarea", "select", "svg", "math", "base", "link", "meta", "template", "noscript", "xml", "isindex",
    "portal", "marquee",
}  # fmt: skip
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "poster", "cite", "data", "background", "lowsrc", "dynsrc",
    "xlink:href", "ping", "codebase", "longdesc", "usemap", "itemtype",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
RAW_ACTIVE = re.compile(r"<\s*/?\s*(" + "|".join(sorted(ACTIVE_TAGS)) + r")\b", re.IGNORECASE)
# Browsers drop ASCII tab/newline anywhere in a URL and leading control characters or spaces.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def _urls(name: str, value: str) -> list[str]:
    if name == "srcset":
        return [candidate.strip().split(" ")[0] for candidate in value.split(",")]
    return [value]


class ActiveContentFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("style", "srcdoc", "formaction", "http-equiv"):
                self.found.append(f"{tag} {name}=")
            if name in URL_ATTRIBUTES and value:
                for url in _urls(name, value):
                    if _URL_NOISE.sub("", url).lower().startswith(BAD_SCHEMES):
                        self.found.append(f"{tag} {name}={value!r}")

    handle_startendtag = handle_starttag


def active_content(html: str) -> list[str]:
    finder = ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.found + [f"raw {m.group(0)!r}" for m in RAW_ACTIVE.finditer(html)]


def _lines(name: str) -> list[str]:
    return [
        line for line in (FIXTURES / "xss" / name).read_text(encoding="utf-8").splitlines() if line.strip()
    ]


PAYLOADBOX = _lines("payloadbox.txt")
OWASP = _lines("owasp.txt")
HTML5LIB = [
    case["input"]
    for case in json.loads((FIXTURES / "sanitizer" / "html5lib_sanitizer_tests1.json").read_text())
]
OUR_OWN = [
    '<a href="java&#x09;script:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href="  JaVaScRiPt:alert(1)">case</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<img src="x" onerror="alert(1)">',
    '<img srcset="javascript:alert(1) 1x, https://example.org/a.png 2x">',
    '<picture><source srcset="javascript:alert(1)"><img src="https://example.org/a.png"></picture>',
    '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
    '<q cite="javascript:alert(1)">q</q><del cite="javascript:alert(1)">d</del><ins cite="data:,x">i</ins>',
    '<video poster="javascript:alert(1)" src="javascript:alert(1)"></video>',
    '<audio src="javascript:alert(1)"></audio>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    "<details open ontoggle=alert(1)>x</details>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="javascript&colon;alert(1)">colon entity</a>',
    "[markdown link](javascript:alert(1))",
    "[markdown link](JAVASCRIPT:alert(1))",
    "![markdown image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "```html\n<script>alert(1)</script>\n```",
]
VECTORS = (
    [pytest.param(v, id=f"payloadbox-{i}") for i, v in enumerate(PAYLOADBOX, 1)]
    + [pytest.param(v, id=f"owasp-{i}") for i, v in enumerate(OWASP, 1)]
    + [pytest.param(v, id=f"html5lib-{i}") for i, v in enumerate(HTML5LIB, 1)]
    + [pytest.param(v, id=f"own-{i}") for i, v in enumerate(OUR_OWN, 1)]
)


def test_the_vector_files_are_all_there():
    assert (len(PAYLOADBOX), len(OWASP), len(HTML5LIB)) == (454, 115, 72)


@pytest.mark.parametrize("body_format", ["html", "markdown"])
@pytest.mark.parametrize("vector", VECTORS)
def test_rendered_post_body_holds_no_active_content(vector, body_format):
    assert active_content(render_body(vector, body_format=body_format)) == []


@pytest.mark.parametrize("vector", VECTORS)
def test_text_widget_holds_no_active_content(vector):
    assert active_content(clean_widget_html(vector)) == []


def test_the_active_content_check_catches_what_it_looks_for():
    """The check above would pass on anything if it were blind; show it is not."""
    assert active_content("<script>alert(1)</script>")
    assert active_content('<img src="x" onerror="alert(1)">')
    assert active_content('<a href=" java\tscript:alert(1)">x</a>')
    assert active_content('<img srcset="https://example.org/a.png 1x, data:image/png;base64,AA 2x">')
    assert active_content('<p style="color:red">x</p>')
    assert active_content("<svg/onload=alert(1)>")
    assert active_content("<p>&lt;script&gt; is only text</p>") == []


def test_ordinary_formatting_survives_sanitizing():
    html = render_body(
        '<p>See <a href="https://example.org/">this</a> and <img src="https://example.org/a.png" alt="a"></p>'
        '<blockquote cite="https://example.org/q">q</blockquote><ul><li><em>one</em></li></ul>',
        body_format="html",
    )
    assert '<a href="https://example.org/" rel="noopener">this</a>' in html
    assert '<img src="https://example.org/a.png" alt="a">' in html
    assert '<blockquote cite="https://example.org/q">' in html
    assert "<li><em>one</em></li>" in html


def test_markdown_renders_links_emphasis_and_code():
    html = render_body("**bold** [site](https://example.org/) `<script>`", body_format="markdown")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/" rel="noopener">site</a>' in html
    assert "<code>&lt;script&gt;</code>" in html


def test_relative_and_mailto_links_are_kept():
    html = render_body(
        '<a href="/about/">about</a> <a href="mailto:me@example.org">mail</a>', body_format="html"
    )
    assert 'href="/about/"' in html
    assert 'href="mailto:me@example.org"' in html


def test_image_sources_and_quotation_sources_with_web_urls_are_kept():
    html = render_body(
        '<img src="/a.png" srcset="https://example.org/a.png 1x, /b.png 2x" alt="a">'
        '<blockquote cite="https://example.org/q">q</blockquote>',
        body_format="html",
    )
    assert 'srcset="https://example.org/a.png 1x, /b.png 2x"' in html
    assert 'cite="https://example.org/q"' in html
