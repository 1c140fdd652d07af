"""How a comment reads once shown: its text with a few formatting marks, and its place in the thread."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.comments import services, threads
from sampan.comments.models import Comment, DiscussionSettings
from sampan.comments.rendering import count_links, render_comment
from tests.factories import make_post


def test_paragraphs_line_breaks_and_formatting_marks():
    html = render_comment("First *soft* and **strong**, `code`.\nNext line.\n\n> quoted\n\nLast.")
    assert "<p>First <em>soft</em> and <strong>strong</strong>, <code>code</code>.<br>" in html
    assert "<blockquote>" in html and "<p>Last.</p>" in html


def test_links_are_vouched_for_by_nobody():
    html = render_comment('See https://example.org/a?b=1 and <a href="https://x.example/">this</a>.')
    assert html.count('rel="nofollow ugc noopener"') == 2
    assert 'href="https://example.org/a?b=1"' in html
    assert count_links("https://a.example/ https://b.example/ plain") == 2


def test_html_beyond_a_few_inline_tags_is_removed_but_its_text_kept():
    html = render_comment(
        '<h1>Big</h1> <div class="x">box</div> <img src="https://t.example/p.gif"> <b>bold</b>'
    )
    assert "<h1" not in html and "<div" not in html and "<img" not in html and "class=" not in html
    assert "Big" in html and "box" in html and "<b>bold</b>" in html


def test_text_that_looks_like_html_stays_text():
    assert "&lt;3" in render_comment("I <3 rivers")
    assert "a &lt; b &amp;&amp; c &gt; d" in render_comment("a < b && c > d")


def test_long_words_are_left_for_the_stylesheet_to_wrap():
    word = "A" * 500
    assert word in render_comment(word)  # no inserted breaks: CSS `overflow-wrap: anywhere` wraps it


# The thread (threads.py)


def comment(post, n, parent=None, status=Comment.Status.APPROVED, kind=Comment.Kind.COMMENT):
    return services.import_comment(
        post=post, body=f"c{n}", status=status, kind=kind, parent=parent,
        created_at=timezone.now() - timedelta(hours=100 - n), author_email=f"r{n}@example.org",
    )  # fmt: skip


@pytest.mark.django_db
def test_replies_nest_and_deeper_ones_carry_on_at_the_deepest_level():
    post = make_post()
    a = comment(post, 1)
    b = comment(post, 2, parent=a)
    c = comment(post, 3, parent=b)
    comment(post, 4, parent=c)
    comment(post, 5)
    tree = threads.build_tree(Comment.objects.all(), max_depth=2, replies_open=True)
    assert [n.comment.body for n in tree] == ["c1", "c5"]
    assert [(n.comment.body, n.depth, n.can_reply) for n in tree[0].children] == [
        ("c2", 2, False), ("c3", 2, False), ("c4", 2, False),
    ]  # fmt: skip
    assert tree[0].can_reply and not threads.build_tree([a], max_depth=2, replies_open=False)[0].can_reply


@pytest.mark.django_db
def test_a_reply_to_a_comment_readers_cannot_see_shows_at_the_top():
    post = make_post()
    held = comment(post, 1, status=Comment.Status.PENDING)
    reply = comment(post, 2, parent=held)
    tree = threads.build_tree([reply], max_depth=5, replies_open=True)
    assert [n.comment for n in tree] == [reply]


@pytest.mark.django_db
def test_mentions_and_held_comments_take_no_replies():
    post = make_post()
    ping = comment(post, 1, kind=Comment.Kind.PINGBACK)
    mine = comment(post, 2, status=Comment.Status.PENDING)
    tree = threads.build_tree([ping, mine], max_depth=5, replies_open=True, held_ids=[mine.pk])
    assert [(n.can_reply, n.held) for n in tree] == [(False, False), (False, True)]


@pytest.mark.django_db
def test_pages_hold_at_least_fifty_top_level_comments():
    settings = DiscussionSettings.load()
    settings.paginate, settings.per_page = True, 5
    assert threads.per_page(settings) == 50
    assert threads.page_count(101, settings) == 3 and threads.page_count(0, settings) == 1
    settings.paginate = False
    assert threads.page_count(500, settings) == 1


def test_a_quote_keeps_no_address_of_its_own():
    html = render_comment("<q cite='javascript:alert(1)'>hi</q> <blockquote cite=\"data:x\">b</blockquote>")
    assert "cite" not in html and "<q>hi</q>" in html
