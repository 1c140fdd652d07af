"""Leaving is as easy as arriving: the export is WordPress's own format, and it round-trips every field."""

from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q
from lxml import etree

from sampan.blog.models import Category, Post, Tag
from sampan.comments.models import Comment
from sampan.porting.exporter import write_wxr
from sampan.porting.models import ImportedItem, ImportRun, OldLink
from sampan.porting.wxr import Item, read_wxr
from tests.factories import make_post

from .conftest import run_import

pytestmark = pytest.mark.django_db
WP = "{http://wordpress.org/export/1.2/}"
ITEM_ELEMENTS = [
    "title", "link", "pubDate", "{http://purl.org/dc/elements/1.1/}creator", "guid",
    "{http://purl.org/rss/1.0/modules/content/}encoded", "{http://wordpress.org/export/1.2/excerpt/}encoded",
    f"{WP}post_id", f"{WP}post_date", f"{WP}post_date_gmt", f"{WP}comment_status", f"{WP}ping_status",
    f"{WP}post_name", f"{WP}status", f"{WP}post_parent", f"{WP}menu_order", f"{WP}post_type",
    f"{WP}post_password", f"{WP}is_sticky",
]  # fmt: skip
COMMENT_ELEMENTS = [
    "comment_id", "comment_author", "comment_author_email", "comment_author_url", "comment_author_IP",
    "comment_date", "comment_date_gmt", "comment_content", "comment_approved", "comment_type",
    "comment_parent", "comment_user_id",
]  # fmt: skip


def export() -> bytes:
    out = BytesIO()
    write_wxr(out)
    return out.getvalue()


def snapshot() -> dict:
    """Every field an import sets, keyed by what stays the same across sites (slugs, names), not by row IDs."""
    posts = {}
    for p in Post.objects.select_related("author", "parent").prefetch_related("categories", "tags"):
        imported = ImportedItem.objects.filter(post=p).first()
        posts[(p.kind, p.slug)] = {
            "title": p.title, "status": p.status, "published_at": p.published_at, "body": p.body,
            "body_html": p.body_html, "body_format": p.body_format, "excerpt": p.excerpt, "sticky": p.sticky,
            "password": p.password, "parent": p.parent.slug if p.parent else None, "menu_order": p.menu_order,
            "author": p.author.username, "comments_open": p.comments_open, "pings_open": p.pings_open,
            "featured_image": p.featured_image.name,
            "categories": sorted(c.slug for c in p.categories.all()), "tags": sorted(t.slug for t in p.tags.all()),
            "local_date": imported.local_date if imported else None,
            "comments": sorted(
                (c.author_name, c.author_email, c.author_url, c.body, c.status, c.kind, c.created_at,
                 c.source_url, c.parent.author_name if c.parent else None, c.user.username if c.user else None)
                for c in Comment.objects.filter(post=p).select_related("parent", "user")
            ),
        }  # fmt: skip
    return {
        "posts": posts,
        "categories": sorted(
            (c.slug, c.name, c.description, c.parent.slug if c.parent else None)
            for c in Category.objects.select_related("parent")
        ),
        "tags": sorted(Tag.objects.values_list("slug", "name")),
        "users": sorted(get_user_model().objects.values_list("username", "email", "first_name", "last_name")),
        "media": sorted(ImportedItem.objects.filter(post_type="attachment").values_list("file", flat=True)),
    }


def empty_the_site() -> None:
    for model in (OldLink, ImportedItem, ImportRun, Comment):
        model.objects.all().delete()
    Post.objects.filter(parent__isnull=False).delete()
    Post.objects.all().delete()
    Category.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.all().delete()


def test_import_of_the_export_equals_the_import(settings, tmp_path):
    run_import()
    first = snapshot()
    exported = tmp_path / "site.xml"
    exported.write_bytes(export())
    empty_the_site()
    run_import(exported, media_from=Path(settings.MEDIA_ROOT) / "uploads")
    assert snapshot() == first
    assert len(first["posts"]) == 10 and sum(len(p["comments"]) for p in first["posts"].values()) == 8


def test_the_export_has_wordpress_elements_for_every_item_and_comment():
    run_import()
    root = etree.fromstring(export())
    channel = root.find("channel")
    assert channel.findtext(f"{WP}wxr_version") == "1.2"
    assert {a.findtext(f"{WP}author_login") for a in channel.iter(f"{WP}author")} == {"alice", "bob"}
    rivers = next(
        c for c in channel.iter(f"{WP}category") if c.findtext(f"{WP}category_nicename") == "rivers"
    )
    assert rivers.findtext(f"{WP}category_parent") == "travel"
    posts = [i for i in channel.iter("item") if i.findtext(f"{WP}post_type") in ("post", "page")]
    assert len(posts) == 10
    for item in posts:
        missing = [name for name in ITEM_ELEMENTS if item.find(name) is None]
        assert not missing, (item.findtext("title"), missing)
    river = next(i for i in posts if i.findtext("title") == "Down the river")
    assert river.findtext(f"{WP}post_date") == "2019-03-09 21:30:00"
    assert river.findtext(f"{WP}post_date_gmt") == "2019-03-10 02:30:00"
    assert river.findtext(f"{WP}is_sticky") == "1"
    assert ("category", "rivers") in [(c.get("domain"), c.get("nicename")) for c in river.iter("category")]
    comments = list(river.iter(f"{WP}comment"))
    assert len(comments) == 8
    for comment in comments:
        assert [comment.find(WP + name) is not None for name in COMMENT_ELEMENTS] == [True] * len(
            COMMENT_ELEMENTS
        )
    kinds = sorted(c.findtext(f"{WP}comment_type") for c in comments)
    assert kinds == ["comment"] * 6 + ["pingback", "trackback"]
    by_id = {c.findtext(f"{WP}comment_id"): c for c in comments}
    dan = next(c for c in comments if c.findtext(f"{WP}comment_author") == "Dan")
    assert by_id[dan.findtext(f"{WP}comment_parent")].findtext(f"{WP}comment_author") == "Alice Boatwright"


def test_a_markdown_post_leaves_as_html_that_wordpress_shows_as_it_is(tmp_path):
    make_post("Written here", body="Some *emphasis*\n\n- one\n- two")
    path = tmp_path / "site.xml"
    path.write_bytes(export())
    item = next(r for r in read_wxr(path) if isinstance(r, Item))
    assert item.content.startswith("<!-- wp:html -->\n<p>Some <em>emphasis</em></p>")
    assert item.post_type == "post" and item.status == "publish"


def test_text_that_would_end_a_cdata_section_survives(tmp_path):
    make_post("Tricky", body="<p>a ]]> b</p>", body_format="html")
    path = tmp_path / "site.xml"
    path.write_bytes(export())
    item = next(r for r in read_wxr(path) if isinstance(r, Item))
    assert "<p>a ]]> b</p>" in item.content


def test_an_empty_site_exports_a_valid_file():
    root = etree.fromstring(export())
    assert root.find("channel").findtext(f"{WP}wxr_version") == "1.2"
    assert not Post.objects.filter(~Q(pk=None)).exists()
