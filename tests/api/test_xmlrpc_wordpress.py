"""WordPress's wp.* methods: posts and pages with terms_names, listing with filters, terms, options, comments."""

import xmlrpc.client
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from sampan.blog.models import Post
from tests.factories import make_category, make_post, make_tag

from .xmlrpc_helpers import call, fault_of, result_of, writer

pytestmark = pytest.mark.django_db


def _date(moment: datetime) -> xmlrpc.client.DateTime:
    return xmlrpc.client.DateTime(moment.astimezone(UTC).strftime("%Y%m%dT%H:%M:%S"))


def test_new_post_takes_wordpress_fields_and_terms_names(client):
    make_category("Rivers")
    _, password = writer("ana")
    content = {
        "post_title": "Floating market",
        "post_content": "<p>Boats <em>everywhere</em>.</p>",
        "post_excerpt": "Boats",
        "post_status": "publish",
        "post_name": "floating-market",
        "post_password": "",
        "comment_status": "closed",
        "ping_status": "open",
        "terms_names": {"category": ["Rivers"], "post_tag": ["boats", "markets"]},
    }
    post_id = result_of(call(client, "wp.newPost", 1, "ana", password, content))
    post = Post.objects.get(pk=int(post_id))
    assert (post.title, post.slug, post.status) == ("Floating market", "floating-market", "publish")
    assert post.body_format == "html" and "<em>everywhere</em>" in post.body_html
    assert not post.comments_open and post.pings_open
    assert [c.name for c in post.categories.all()] == ["Rivers"]
    assert sorted(t.name for t in post.tags.all()) == ["boats", "markets"]


def test_new_post_defaults_to_a_draft(client):
    _, password = writer("ana")
    post_id = result_of(call(client, "wp.newPost", 1, "ana", password, {"post_title": "Idea"}))
    assert Post.objects.get(pk=int(post_id)).status == Post.Status.DRAFT


def test_future_status_with_a_gmt_date_schedules_and_needs_a_date(client):
    _, password = writer("ana")
    when = timezone.now().replace(microsecond=0) + timedelta(days=1)
    content = {"post_title": "Tomorrow", "post_status": "future", "post_date_gmt": _date(when)}
    post = Post.objects.get(pk=int(result_of(call(client, "wp.newPost", 1, "ana", password, content))))
    assert post.status == Post.Status.SCHEDULED and post.published_at == when
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, {"post_status": "future"}))[0] == 400


def test_private_posts_are_kept_private(client):
    _, password = writer("ana")
    post_id = result_of(
        call(client, "wp.newPost", 1, "ana", password, {"post_title": "Diary", "post_status": "private"})
    )
    post = Post.objects.get(pk=int(post_id))
    assert post.status == Post.Status.PRIVATE
    assert client.get(post.get_absolute_url()).status_code == 404


def test_terms_by_id_and_unknown_taxonomies(client):
    rivers, boats = make_category("Rivers"), make_tag("boats")
    _, password = writer("ana")
    content = {"post_title": "T", "terms": {"category": [rivers.pk], "post_tag": [str(boats.pk)]}}
    post = Post.objects.get(pk=int(result_of(call(client, "wp.newPost", 1, "ana", password, content))))
    assert list(post.categories.all()) == [rivers] and list(post.tags.all()) == [boats]
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, {"terms": {"category": [999]}}))[0] == 403
    assert (
        fault_of(call(client, "wp.newPost", 1, "ana", password, {"terms_names": {"genre": ["x"]}}))[0] == 401
    )


def test_editors_write_pages_under_a_parent(client):
    _, password = writer("ed", role="Editor")
    parent = make_post("About", kind=Post.Kind.PAGE)
    content = {
        "post_type": "page",
        "post_title": "Team",
        "post_status": "publish",
        "post_parent": str(parent.pk),
    }
    page = Post.objects.get(pk=int(result_of(call(client, "wp.newPost", 1, "ed", password, content))))
    assert page.is_page and page.parent == parent
    assert client.get(page.get_absolute_url()).status_code == 200
    assert page.get_absolute_url() == "/about/team/"


def test_authors_may_not_create_pages_or_write_as_someone_else(client):
    ana, password = writer("ana")
    other, _ = writer("bob")
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, {"post_type": "page"})) == (
        401,
        "Sorry, you are not allowed to create pages on this site.",
    )
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, {"post_author": other.pk}))[0] == 401
    assert result_of(call(client, "wp.newPost", 1, "ana", password, {"post_author": ana.pk}))
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, {"post_type": "attachment"})) == (
        403,
        "Invalid post type.",
    )


def test_edit_post_changes_only_what_is_sent(client):
    ana, password = writer("ana")
    post = make_post("Keep", author=ana, body="body stays", excerpt="ex", tags=[make_tag("t")])
    assert (
        result_of(call(client, "wp.editPost", 1, "ana", password, post.pk, {"post_title": "Renamed"})) is True
    )
    post.refresh_from_db()
    assert (post.title, post.body, post.excerpt, post.status) == ("Renamed", "body stays", "ex", "publish")
    assert [t.name for t in post.tags.all()] == ["t"]


def test_unpublishing_through_edit_post_takes_the_post_off_the_site(client):
    ana, password = writer("ana")
    post = make_post("Out", author=ana)
    result_of(call(client, "wp.editPost", 1, "ana", password, post.pk, {"post_status": "draft"}))
    assert client.get(post.get_absolute_url()).status_code == 404


def test_get_post_returns_wordpress_fields_and_terms(client):
    ana, password = writer("ana")
    post = make_post("Shown", author=ana, categories=[make_category("Rivers")], tags=[make_tag("boats")])
    struct = result_of(call(client, "wp.getPost", 1, "ana", password, post.pk))
    assert struct["post_id"] == str(post.pk) and struct["post_title"] == "Shown"
    assert struct["post_type"] == "post" and struct["post_status"] == "publish"
    assert struct["post_date_gmt"] == post.published_at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    assert {(t["taxonomy"], t["name"]) for t in struct["terms"]} == {
        ("category", "Rivers"),
        ("post_tag", "boats"),
    }
    only = result_of(call(client, "wp.getPost", 1, "ana", password, post.pk, ["post_title"]))
    assert set(only) == {"post_id", "post_title"}


def test_get_posts_filters_by_type_status_number_and_offset(client):
    _, password = writer("ed", role="Editor")
    for n in range(3):
        make_post(f"P{n}", published_at=timezone.now() - timedelta(days=n))
    make_post("Draft", status=Post.Status.DRAFT)
    make_post("Page", kind=Post.Kind.PAGE)
    live = result_of(
        call(client, "wp.getPosts", 1, "ed", password, {"post_status": "publish", "number": 2, "offset": 1})
    )
    assert [p["post_title"] for p in live] == ["P1", "P2"]
    pages = result_of(call(client, "wp.getPosts", 1, "ed", password, {"post_type": "page"}))
    assert [p["post_title"] for p in pages] == ["Page"]
    assert len(result_of(call(client, "wp.getPosts", 1, "ed", password))) == 4


def test_authors_list_only_their_own_posts(client):
    ana, password = writer("ana")
    make_post("Mine", author=ana)
    make_post("Theirs")
    assert [p["post_title"] for p in result_of(call(client, "wp.getPosts", 1, "ana", password))] == ["Mine"]


def test_delete_post_removes_it_and_refuses_others(client):
    ana, password = writer("ana")
    mine, theirs = make_post("Mine", author=ana), make_post("Theirs")
    assert result_of(call(client, "wp.deletePost", 1, "ana", password, mine.pk)) is True
    assert fault_of(call(client, "wp.deletePost", 1, "ana", password, theirs.pk))[0] == 401
    assert list(Post.objects.values_list("title", flat=True)) == ["Theirs"]


def test_get_terms_lists_categories_and_tags_with_counts(client):
    rivers = make_category("Rivers")
    make_category("Empty")
    make_post("A", categories=[rivers], tags=[make_tag("boats")])
    _, password = writer("ana")
    categories = result_of(call(client, "wp.getTerms", 1, "ana", password, "category"))
    assert [(t["name"], t["count"]) for t in categories] == [("Empty", 0), ("Rivers", 1)]
    tags = result_of(call(client, "wp.getTerms", 1, "ana", password, "post_tag", {"hide_empty": True}))
    assert [t["slug"] for t in tags] == ["boats"]
    assert fault_of(call(client, "wp.getTerms", 1, "ana", password, "genre")) == (403, "Invalid taxonomy.")


def test_get_options_describes_the_blog(client, settings):
    settings.SITE_URL = "https://blog.example.org"
    _, password = writer("ana")
    options = result_of(call(client, "wp.getOptions", 1, "ana", password))
    assert options["software_name"]["value"] == "Sampan"
    assert options["blog_url"]["value"] == "https://blog.example.org/"
    assert options["blog_title"]["value"] == "My Sampan Blog"
    assert options["time_zone"]["value"] in ("12", "13")  # the test site's Auckland
    picked = result_of(call(client, "wp.getOptions", 1, "ana", password, ["blog_title", "nonsense"]))
    assert set(picked) == {"blog_title"}


def test_comments_methods_exist_and_say_there_are_none_yet(client):
    ana, password = writer("ana")
    post = make_post("P", author=ana)
    assert result_of(call(client, "wp.getComments", 1, "ana", password, {"post_id": post.pk})) == []
    assert fault_of(call(client, "wp.getComment", 1, "ana", password, 5)) == (404, "Invalid comment ID.")
    assert fault_of(call(client, "wp.editComment", 1, "ana", password, 5, {"status": "approve"}))[0] == 404


def test_ids_beyond_64_bits_are_faults_not_errors(client):
    _, password = writer("ana")
    assert fault_of(call(client, "wp.getPost", 1, "ana", password, "9" * 25))[0] == 404
    huge = {"post_title": "x", "terms": {"category": ["99999999999999999999"]}}
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, huge))[0] == -32602


def test_a_title_too_long_to_keep_is_fault_400(client):
    _, password = writer("ana")
    code, message = fault_of(call(client, "wp.newPost", 1, "ana", password, {"post_title": "x" * 400}))
    assert code == 400 and "title" in message
    assert not Post.objects.exists()


def test_publishing_a_draft_with_its_date_sent_back_publishes_it_now(client):
    ana, password = writer("ana")
    draft = make_post(
        "Old draft", author=ana, status=Post.Status.DRAFT, published_at=timezone.now() - timedelta(days=9)
    )
    struct = result_of(call(client, "wp.getPost", 1, "ana", password, draft.pk))
    changes = {"post_status": "publish", "post_date_gmt": _date(struct["post_date_gmt"].replace(tzinfo=UTC))}
    result_of(call(client, "wp.editPost", 1, "ana", password, draft.pk, changes))
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED
    assert timezone.now() - draft.published_at < timedelta(minutes=5)


def test_a_script_may_send_markdown_by_saying_so_in_a_custom_field(client):
    _, password = writer("ana")
    content = {"post_title": "Md", "post_content": "Some *Markdown*",
               "custom_fields": [{"key": "sampan_format", "value": "markdown"}]}  # fmt: skip
    post = Post.objects.get(pk=int(result_of(call(client, "wp.newPost", 1, "ana", password, content))))
    assert post.body_format == "markdown" and "<em>Markdown</em>" in post.body_html
    mw = {
        "title": "Md2",
        "description": "_x_",
        "custom_fields": [{"key": "sampan_format", "value": "markdown"}],
    }
    mw_post = Post.objects.get(
        pk=int(result_of(call(client, "metaWeblog.newPost", "1", "ana", password, mw, False)))
    )
    assert mw_post.body_format == "markdown"
    bad = {"post_content": "x", "custom_fields": [{"key": "sampan_format", "value": "rst"}]}
    assert fault_of(call(client, "wp.newPost", 1, "ana", password, bad))[0] == 403
