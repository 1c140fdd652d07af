"""Reading WXR files: every version seen in the wild, and a clear refusal of anything else."""

import pytest

from sampan.porting.wxr import Author, Channel, Item, Term, WxrError, read_wxr

from .conftest import MOVING_IN, WXR


def records(name: str) -> list:
    return list(read_wxr(WXR / name))


@pytest.mark.parametrize(
    ("name", "version", "items"),
    [("valid-wxr-1.0.xml", "1.0", 6), ("valid-wxr-1.1.xml", "1.1", 2), ("wxr-simple.xml", "1.2", 1)],
)
def test_reads_every_wxr_version(name, version, items):
    found = records(name)
    assert isinstance(found[0], Channel) and found[0].version == version
    assert sum(isinstance(r, Item) for r in found) == items


def test_wxr_1_0_tags_and_categories_come_with_their_items():
    posts = [r for r in records("valid-wxr-1.0.xml") if isinstance(r, Item)]
    assert ("tag", "news", "news") in posts[2].terms
    assert ("category", "alpha", "alpha") in posts[2].terms


def test_reads_authors_terms_comments_and_meta():
    found = records("sampan-moving-in.xml")
    authors = [r for r in found if isinstance(r, Author)]
    assert [(a.login, a.display_name, a.wp_id) for a in authors] == [
        ("alice", "Alice Boatwright", 1),
        ("bob", "Bob", 2),
    ]
    terms = {(t.taxonomy, t.slug, t.parent) for t in found if isinstance(t, Term)}
    assert ("category", "rivers", "travel") in terms
    assert ("series", "mekong-diaries", "") in terms
    post = next(r for r in found if isinstance(r, Item) and r.wp_id == 10)
    assert (
        post.sticky
        and post.post_date == "2019-03-09 21:30:00"
        and post.post_date_gmt == "2019-03-10 02:30:00"
    )
    assert [c.wp_id for c in post.comments] == [100, 102, 101, 103, 104, 105, 106, 107]
    assert post.comments[0].meta == [("akismet_result", "false")]
    assert ("mood", "calm") in post.meta


def test_cdata_and_escaped_text_read_as_written():
    channel, *rest = records("small-export.xml")
    assert channel.base_site_url == "http://localhost/"
    page = next(r for r in rest if isinstance(r, Item) and r.wp_id == 2)
    assert "pi&#241;a coladas" in page.content  # entities inside CDATA stay as the author wrote them


@pytest.mark.parametrize("name", ["missing-version-tag.xml", "invalid-version-tag.xml"])
def test_a_file_without_a_known_wxr_version_is_refused(name):
    with pytest.raises(WxrError, match="This does not appear to be a WXR file"):
        records(name)


@pytest.mark.parametrize("name", ["malformed/xml-bomb.xml", "malformed/external-entity.xml"])
def test_doctype_entities_are_refused_before_anything_is_read(name):
    with pytest.raises(WxrError, match="XML bombs and external entities are refused"):
        records(name)


@pytest.mark.parametrize(
    ("name", "message", "line"),
    [
        ("malformed/truncated.xml", "the file ends early", 10),
        ("malformed-simple.xml", "the file ends early", 14),
        ("malformed/wrong-encoding.xml", "not in the character encoding it declares", 8),
        ("malformed/undefined-namespace.xml", "namespace prefix “excerpt” is used but never declared", 8),
    ],
)
def test_broken_files_are_refused_naming_the_line(name, message, line):
    with pytest.raises(WxrError, match=message) as caught:
        records(name)
    assert caught.value.line == line
    assert f"line {line}" in str(caught.value)


def test_items_before_a_break_in_the_file_are_read():
    reader = read_wxr(WXR / "malformed/truncated.xml")
    titles = []
    with pytest.raises(WxrError):
        for record in reader:
            if isinstance(record, Item):
                titles.append(record.title)
    assert titles == ["First", "Second"]


def test_memory_does_not_hold_items_already_read():
    reader = read_wxr(MOVING_IN)
    items = [r for r in reader if isinstance(r, Item)]
    assert len(items) == 14  # each was cleared from the tree once read; what we hold are our own records


def test_elements_count_by_their_namespace_not_their_prefix():
    """WordPress's namespace edge cases (less the item whose namespace URI libxml2 refuses as invalid)."""
    found = records("namespace-edge-cases-ascii.xml")
    assert [a.login for a in found if isinstance(a, Author)] == ["real_user", "version_conflict"]
    items = [(i.title, i.wp_id, i.post_type) for i in found if isinstance(i, Item)]
    assert items == [
        ("Mixed Namespaces", 999, "post"),
        ("No Prefix", 2, "post"),
        ("Empty Namespace", 3, "post"),
        ("Hijacked Namespace", 0, ""),
        ("Namespace Bomb", 6, "post"),
    ]
    mixed = next(i for i in found if isinstance(i, Item) and i.wp_id == 999)
    assert mixed.meta == [("normal_key", "normal_value")]  # the postmeta in a foreign namespace is not ours
    assert [t.slug for t in found if isinstance(t, Term)] == ["old-version", "new-version"]
