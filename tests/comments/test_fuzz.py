"""Nothing a commenter types becomes script on the page: not through the comment's text, nor its name, email or
website, whether the comment is shown in the thread or the form comes back with a problem.

Known vectors: payloadbox's XSS list (MIT), OWASP's XSS Filter Evasion Cheat Sheet (CC BY-SA 4.0, "XSS Filter
Evasion Cheat Sheet", OWASP Cheat Sheet Series) and html5lib's sanitizer cases (MIT), in tests/fixtures/ with
their licences. Then hypothesis makes up more, from HTML-ish pieces and from any text at all.
"""

import json
import re
from pathlib import Path

import lxml.html
import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.blog.models import Post
from sampan.comments.models import Comment, DiscussionSettings
from sampan.comments.rendering import render_comment
from tests.comments.test_views import FORM_URL, form_data
from tests.factories import make_post

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
VECTORS = [
    *(FIXTURES / "xss/payloadbox.txt").read_text(encoding="utf-8").splitlines(),
    *(FIXTURES / "xss/owasp.txt").read_text(encoding="utf-8").splitlines(),
    *(
        case["input"]
        for case in json.loads((FIXTURES / "sanitizer/html5lib_sanitizer_tests1.json").read_text())
    ),
]
# Browsers ignore ASCII whitespace and control characters before and inside a URL's scheme.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "livescript:")
ACTIVE = {
    "script",
    "iframe",
    "object",
    "embed",
    "frame",
    "frameset",
    "applet",
    "base",
    "meta",
    "link",
    "style",
}
URL_ATTRIBUTES = {
    "href", "src", "srcset", "action", "formaction", "cite", "data", "poster", "background", "xlink:href",
    "ping", "codebase", "longdesc", "lowsrc", "dynsrc",
}  # fmt: skip
OUR_SCRIPTS = re.compile(r"^/static/[\w./-]+\.js$")


def active_content(html: str, *, page: bool = False) -> list[str]:
    """Everything in `html` that could run script, as lxml (a browser-like HTML parser) reads it."""
    if not html.strip():
        return []
    root = (
        lxml.html.document_fromstring(html)
        if page
        else lxml.html.fragment_fromstring(html, create_parent="div")
    )
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments, processing instructions: inert
        tag = element.tag.lower().rsplit("}", 1)[-1]
        if tag in ACTIVE and not (page and _ours(element, tag)):
            found.append(lxml.html.tostring(element, encoding="unicode")[:120])
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                found.append(f"<{tag} {name}={value[:60]!r}>")
            if name in URL_ATTRIBUTES and _URL_NOISE.sub("", value).lower().startswith(BAD_SCHEMES):
                found.append(f"<{tag} {name}={value[:60]!r}>")
    return found


def _ours(element, tag: str) -> bool:
    """The page's own furniture: same-origin static scripts, and the head's links and meta tags (their URLs are
    still checked for bad schemes)."""
    if tag == "script":
        return bool(OUR_SCRIPTS.match(element.get("src", ""))) and not (element.text or "").strip()
    if tag == "link":
        return element.getparent().tag == "head"
    return tag == "meta" and element.getparent().tag == "head"


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_known_xss_vectors_leave_no_active_content(vector):
    assert active_content(render_comment(vector)) == []


HTML_PIECES = st.sampled_from(
    [
        "<",
        ">",
        "</",
        "/>",
        '"',
        "'",
        "`",
        "=",
        " ",
        "\n",
        "\n\n",
        "&",
        "&#",
        ";",
        "&lt;",
        "\x00",
        "\u2028",
        "script",
        "<script>",
        "</script>",
        "<img src=x",
        " onerror=",
        "alert(1)",
        "<a href=",
        "javascript:",
        "java\tscript:",
        "JaVaScRiPt:",
        "data:text/html,",
        "vbscript:",
        "<svg",
        "<svg/onload=",
        "<iframe",
        "<style>",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "<math>",
        "<b>",
        "</b>",
        "<em>",
        "<q cite=",
        "<abbr title=",
        "<blockquote cite=",
        "*",
        "**",
        "`",
        "> ",
        "https://example.org/",
        "http://x.y/a?b=c&d=e",
        "[x](",
        "<https://",
        "<p",
        " style=",
        "expression(",
        "<object data=",
        "<base href=",
        "<form action=",
        "x" * 80,
    ]
)
HTMLISH = st.lists(HTML_PIECES, max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(HTMLISH, st.text(max_size=300)))
def test_no_input_to_the_comment_renderer_makes_script(text):
    assert active_content(render_comment(text)) == []


TYPED = st.one_of(HTMLISH, st.text(max_size=120))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(comment=TYPED, author=TYPED, email=TYPED, url=TYPED, parent=st.sampled_from(["0", "x", "-1", "99999"]))
def test_no_form_input_makes_script_on_the_page(comment, author, email, url, parent):
    cache.clear()  # each example is a new visitor, never rate-limited by the ones before
    Comment.objects.all().delete()
    DiscussionSettings.load()
    post = _post()
    browser = Client()
    data = form_data(post, comment=comment, author=author, email=email, url=url, comment_parent=parent)
    response = browser.post(FORM_URL, data)
    assert response.status_code in (303, 400), response.status_code
    page = browser.get(post.get_absolute_url()) if response.status_code == 303 else response
    html = page.content.decode()
    assert active_content(html, page=True) == []
    if response.status_code == 303:  # taken: the author sees it, awaiting moderation, in the thread
        assert "awaiting moderation" in html or Comment.objects.get().status == Comment.Status.APPROVED


def _post():
    post = Post.objects.filter(title="Fuzzed").first()
    return post or make_post("Fuzzed", body="A post to comment on.")
