"""Reading a mentioning page's microformats: the kind of response, its author and text; checked against the
microformats test suite's own cases (tests/fixtures/mf2/) and against hand-written replies, likes, reposts."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sampan.mentions.microformats import read_entry

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mf2"
TARGET = "https://blog.example/2026/11/20/up-the-mekong/"


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["mixedroots", "summarycontent", "scriptstyletags", "encoding"])
def test_author_and_text_agree_with_the_microformats_test_suite(name):
    html = (FIXTURES / f"{name}.html").read_text()
    expected = json.loads((FIXTURES / f"{name}.json").read_text())["items"][0]["properties"]
    entry = read_entry(html, url="http://example.com/", target=TARGET)
    content = expected.get("content", expected.get("summary", [""]))[0]
    assert entry.text == words(content["value"] if isinstance(content, dict) else content)
    author = expected.get("author", [{}])[0].get("properties", {})
    assert entry.author_name == (author.get("name", [""])[0])
    assert entry.author_url == (author.get("url", [""])[0])
    photo = author.get("photo", [""])[0]
    assert entry.author_photo == (photo["value"] if isinstance(photo, dict) else photo)
    assert entry.mention_type == "mention"  # none of them respond to our post


@pytest.mark.parametrize(
    "prop, kind",
    [
        ("u-in-reply-to", "reply"),
        ("u-like-of", "like"),
        ("u-repost-of", "repost"),
        ("u-bookmark-of", "bookmark"),
    ],
)
def test_each_response_property_naming_our_post_gives_its_kind(prop, kind):
    html = f'<div class="h-entry"><a class="{prop}" href="{TARGET}">our post</a><p class="e-content">Hi</p></div>'
    assert read_entry(html, url="https://other.example/", target=TARGET).mention_type == kind


def test_a_response_to_another_page_is_a_plain_mention_of_ours():
    html = (
        '<div class="h-entry"><a class="u-in-reply-to" href="https://third.example/">them</a>'
        f'<p class="e-content">Unlike <a href="{TARGET}">this</a>.</p></div>'
    )
    assert read_entry(html, url="https://other.example/", target=TARGET).mention_type == "mention"


def test_a_reply_by_nested_h_cite_inside_a_feed_with_the_page_author_as_fallback():
    html = f"""<div class="h-card"><a class="p-name u-url" href="https://cy.example/">Cy</a></div>
    <div class="h-feed"><article class="h-entry"><p class="e-content">Unrelated</p></article>
      <article class="h-entry">
        <div class="u-in-reply-to h-cite"><a class="u-url" href="{TARGET}">Up the Mekong</a></div>
        <p class="e-content">  Lovely   boats. </p>
        <time class="dt-published" datetime="2026-11-21">21 Nov</time></article></div>"""
    entry = read_entry(html, url="https://cy.example/notes/", target=TARGET)
    assert (entry.mention_type, entry.text, entry.author_name) == ("reply", "Lovely boats.", "Cy")
    assert entry.published is not None and entry.published.day == 21


def test_a_date_in_the_future_or_nonsense_is_no_date():
    for value in ("2999-01-01T00:00:00Z", "yesterday", "2026-13-45"):
        html = f'<div class="h-entry"><time class="dt-published" datetime="{value}">x</time></div>'
        assert read_entry(html, url="https://o.example/", target=TARGET).published is None


@given(st.text(max_size=400))
def test_any_markup_reads_without_error(html):
    entry = read_entry(f'<div class="h-entry">{html}</div>', url="https://o.example/", target=TARGET)
    assert entry.mention_type in {"mention", "reply", "like", "repost", "bookmark"}
