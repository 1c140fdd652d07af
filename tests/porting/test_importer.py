"""Importing a WordPress export: everything arrives as it was, once, and a failure loses nothing."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from sampan.blog import events
from sampan.blog.models import Category, Post, Tag
from sampan.comments.models import Comment
from sampan.porting import importer
from sampan.porting.importer import ImportStopped
from sampan.porting.models import ImportedItem, ImportRun
from tests.factories import make_post, make_user

from .conftest import MOVING_IN, WXR, run_import

pytestmark = pytest.mark.django_db


def post(slug: str) -> Post:
    return Post.objects.get(slug=slug)


def test_posts_and_pages_arrive_with_every_status():
    report = run_import()
    assert report.counts["posts"] == 8 and report.counts["pages"] == 2
    statuses = dict(Post.objects.values_list("title", "status"))
    assert statuses == {
        "Down the river": "publish",
        "Blocks on the bank": "publish",
        "Draft thoughts": "draft",
        "Pending piece": "pending",
        "Next year's trip": "future",
        "Private notes": "private",
        "Locked away": "publish",
        "Hello world": "publish",
        "About": "publish",
        "Team": "publish",
    }
    assert (
        report.skipped[
            "posts: its status “trash” has no counterpart (only publish, draft, pending, future, private)"
        ]
        == 1
    )
    assert report.skipped["nav_menu_item items: no counterpart in Sampan"] == 1


def test_password_sticky_excerpt_and_discussion_settings_are_kept():
    run_import()
    assert post("locked-away").password == "paddle"
    river = post("down-the-river")
    assert river.sticky and river.excerpt == "A morning on the water." and river.body_format == "html"
    blocks = post("blocks-on-the-bank")
    assert not blocks.sticky and not blocks.comments_open and not blocks.pings_open


def test_dates_keep_the_moment_and_the_old_local_date():
    run_import()
    river = post("down-the-river")
    assert river.published_at == datetime(2019, 3, 10, 2, 30, tzinfo=UTC)
    assert ImportedItem.objects.get(post=river).local_date == "2019-03-09 21:30:00"
    # The site's time zone (Auckland in tests) decides the permalink's day, as for any post here.
    assert river.get_absolute_url() == "/2019/03/10/down-the-river/"


def test_a_draft_without_a_gmt_date_is_read_in_the_site_time_zone():
    run_import()
    draft = Post.objects.get(title="Draft thoughts")
    assert draft.published_at == datetime(2019, 3, 31, 21, 0, tzinfo=UTC)  # 10:00 in Auckland
    assert draft.slug == "draft-thoughts"


def test_a_child_page_listed_before_its_parent_stays_under_it():
    run_import()
    team = post("team")
    assert team.parent == post("about") and team.menu_order == 2
    assert team.get_absolute_url() == "/about/team/"


def test_categories_keep_their_hierarchy_and_other_taxonomies_become_tags():
    report = run_import()
    rivers = Category.objects.get(slug="rivers")
    assert rivers.parent == Category.objects.get(slug="travel") and rivers.description == "Moving water"
    river = post("down-the-river")
    assert list(river.categories.values_list("slug", flat=True)) == ["rivers"]
    assert sorted(river.tags.values_list("slug", flat=True)) == ["boats", "mekong-diaries"]
    assert not Tag.objects.filter(slug="main-menu").exists()
    assert report.skipped["nav_menu terms: WordPress's own machinery"] == 1


def test_authors_become_authors_without_a_usable_password_and_existing_users_stay_as_they_are():
    bob = get_user_model().objects.create_user("bob", email="bob@here.example", first_name="Robert")
    run_import()
    alice = get_user_model().objects.get(username="alice")
    assert alice.email == "alice@old.example.org" and alice.get_full_name() == "Alice Boatwright"
    assert not alice.has_usable_password() and alice.is_staff
    assert alice.groups.filter(name="Author").exists()
    bob.refresh_from_db()
    assert (bob.email, bob.first_name) == ("bob@here.example", "Robert")
    assert post("blocks-on-the-bank").author == bob


def test_with_an_author_map_posts_go_to_the_mapped_user_and_unmapped_authors_are_skipped():
    editor = make_user("editor", role="Editor")
    report = run_import(WXR / "malformed/unknown-author.xml", author_map={"writer": "editor"})
    assert post("mapped").author == editor
    assert not Post.objects.filter(slug="stranger").exists()
    assert report.skipped["posts: its author 'ghost' is not in the author map"] == 1
    assert not get_user_model().objects.filter(username__in=["writer", "ghost"]).exists()


def test_comments_keep_their_threads_states_and_commenters():
    report = run_import()
    river = post("down-the-river")
    by_name = {c.author_name: c for c in Comment.objects.filter(post=river)}
    carol, alice, dan = by_name["Carol"], by_name["Alice Boatwright"], by_name["Dan"]
    assert carol.parent is None and alice.parent == carol and dan.parent == alice
    assert carol.author_email == "carol@example.net" and carol.author_url == "https://carol.example.net/"
    assert carol.created_at == datetime(2019, 3, 10, 13, 0, tzinfo=UTC)
    assert alice.user == get_user_model().objects.get(username="alice")
    assert by_name["Cheap Pills"].status == "spam" and by_name["Erin"].status == "pending"
    assert carol.status == "approved"
    assert by_name["Frank"].parent is None
    assert any("replies to comment 999, which is not in the file" in n for n in report.notes)
    assert report.counts["comments"] == 6
    assert report.skipped["comment meta “akismet_result”: no place for it in Sampan"] == 1


def test_pingbacks_and_trackbacks_become_mentions_from_their_source():
    report = run_import()
    mentions = Comment.objects.exclude(kind="comment").order_by("created_at")
    assert [(m.kind, m.source_url, m.author_name) for m in mentions] == [
        ("pingback", "https://other.example.net/a-post/", "Other River Blog"),
        ("trackback", "https://paddle.example.net/week-12/", "Paddle Weekly"),
    ]
    assert report.counts["mentions"] == 2


def test_import_tells_nobody_and_keeps_the_old_times():
    heard: list[Post] = []

    def listener(sender, post, **kwargs):
        heard.append(post)

    events.post_published.connect(listener)
    try:
        run_import()
    finally:
        events.post_published.disconnect(listener)
    assert heard == []


def test_media_from_a_folder_is_copied_without_exif_and_links_point_at_it(settings):
    report = run_import()
    assert report.counts["media"] == 2
    stored = Path(settings.MEDIA_ROOT) / "uploads/2019/03/river.jpg"
    assert stored.is_file() and b"TestCam" not in stored.read_bytes()
    assert b"TestCam" in (WXR / "media/2019/03/river.jpg").read_bytes()
    river = post("down-the-river")
    assert 'src="/media/uploads/2019/03/river.jpg"' in river.body_html  # was river-300x200.jpg
    assert "old.example.org" not in river.body_html
    assert river.featured_image.name == "uploads/2019/03/river.jpg"
    assert 'src="/media/uploads/2019/03/river.jpg"' in post("blocks-on-the-bank").body_html  # was -1024x683


def test_skip_media_brings_no_files_and_leaves_links_alone(settings):
    report = run_import(media_from=None, skip_media=True)
    assert not (Path(settings.MEDIA_ROOT) / "uploads").exists()
    assert report.skipped["media: not brought (--skip-media)"] == 2
    assert (
        "http://old.example.org/wp-content/uploads/2019/03/river-300x200.jpg" in post("down-the-river").body
    )


def test_a_file_missing_from_the_media_folder_is_reported(tmp_path):
    report = run_import(media_from=tmp_path)
    assert report.skipped["media: the file is not in the --media-from folder"] == 2
    assert any("river.jpg" in note for note in report.notes)


def test_importing_the_same_file_again_doubles_nothing():
    run_import()
    before = (Post.objects.count(), Comment.objects.count(), Category.objects.count(), Tag.objects.count())
    again = run_import()
    assert (
        Post.objects.count(),
        Comment.objects.count(),
        Category.objects.count(),
        Tag.objects.count(),
    ) == before
    assert again.counts["posts"] == 0 and again.unchanged["posts"] == 8 and again.unchanged["media"] == 2
    assert again.counts["comments"] == 0


def test_a_failure_mid_file_keeps_earlier_batches_and_the_next_run_resumes(monkeypatch):
    real = importer.import_post

    def failing(post, **kwargs):
        if post.title == "Locked away":
            raise RuntimeError("disk full")
        return real(post, **kwargs)

    monkeypatch.setattr(importer, "import_post", failing)
    with pytest.raises(ImportStopped) as stopped:
        run_import(batch_size=3)
    message = str(stopped.value)
    assert "post 16 “Locked away”" in message and "disk full" in message
    assert "(line 312)" in message and "run the same command again to resume" in message
    # Batches of 3: the first two batches (6 items) are in; the failed batch left nothing behind.
    assert set(Post.objects.values_list("title", flat=True)) == {
        "Down the river", "Blocks on the bank", "Draft thoughts", "Pending piece", "Next year's trip", "Private notes",
    }  # fmt: skip
    run = ImportRun.objects.get()
    assert not run.finished and run.last_line > 0

    monkeypatch.setattr(importer, "import_post", real)
    report = run_import(batch_size=3)
    assert report.resumed_after_line == run.last_line
    assert Post.objects.count() == 10 and Comment.objects.count() == 8
    assert report.unchanged["posts"] == 6 and report.counts["posts"] == 2
    assert ImportRun.objects.get().finished


def test_interrupting_with_ctrl_c_names_the_item_and_keeps_the_site_as_before_the_batch(monkeypatch):
    real = importer.import_post

    def interrupted(post, **kwargs):
        if post.title == "Pending piece":
            raise KeyboardInterrupt
        return real(post, **kwargs)

    monkeypatch.setattr(importer, "import_post", interrupted)
    with pytest.raises(ImportStopped, match=r"Import stopped at post 13 “Pending piece” .*: interrupted"):
        run_import(batch_size=2)
    assert set(Post.objects.values_list("title", flat=True)) == {"Down the river", "Blocks on the bank"}


def test_a_dry_run_reports_and_writes_nothing(settings):
    users = get_user_model().objects.count()
    report = run_import(dry_run=True)
    assert report.dry_run and report.counts["posts"] == 8 and report.counts["comments"] == 6
    assert report.counts["media"] == 2
    assert Post.objects.count() == 0 and Comment.objects.count() == 0 and Category.objects.count() == 0
    assert get_user_model().objects.count() == users and ImportRun.objects.count() == 0
    assert not (Path(settings.MEDIA_ROOT) / "uploads").exists()


def test_a_taken_address_gets_a_free_slug_and_the_report_says_so():
    own = make_post("Hello world")  # this site's own first post
    report = run_import()
    imported = Post.objects.exclude(pk=own.pk).get(title="Hello world")
    assert imported.slug == "hello-world-2"
    assert any("“hello-world” was taken; it is now “hello-world-2”" in note for note in report.notes)


def test_duplicate_ids_in_one_file_keep_the_first_item():
    report = run_import(WXR / "malformed/duplicate-ids.xml")
    assert list(Post.objects.values_list("title", flat=True)) == ["Original"]
    assert any("duplicate WordPress ID" in reason and "Impostor" in reason for reason in report.skipped)


def test_a_truncated_file_stops_with_the_line_and_imports_no_posts():
    with pytest.raises(ImportStopped, match="line 10: the file ends early"):
        run_import(WXR / "malformed/truncated.xml")
    assert Post.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("malformed/xml-bomb.xml", "XML bombs and external entities are refused"),
        ("malformed/external-entity.xml", "XML bombs and external entities are refused"),
        ("missing-version-tag.xml", "This does not appear to be a WXR file"),
        ("malformed/wrong-encoding.xml", "not in the character encoding it declares"),
        ("malformed/undefined-namespace.xml", "never declared"),
    ],
)
def test_refused_files_change_nothing(name, message):
    with pytest.raises(ImportStopped, match=message):
        run_import(WXR / name)
    assert Post.objects.count() == 0 and get_user_model().objects.count() == 0


def test_wxr_1_0_and_1_1_files_import():
    run_import(WXR / "valid-wxr-1.0.xml")
    assert Post.objects.posts().count() == 3 and Post.objects.pages().count() == 3
    assert Tag.objects.filter(slug="news").exists()
    run_import(WXR / "valid-wxr-1.1.xml")
    assert Tag.objects.filter(slug="clippable").exists() and Tag.objects.filter(slug="bieup").exists()


def test_a_real_wordpress_com_export_imports():
    report = run_import(WXR / "sitetitle.wordpress.2025-01-19.000.xml", media_from=None, skip_media=True)
    assert report.counts["posts"] == 7 and report.counts["pages"] == 1
    assert report.skipped["wp_global_styles items: no counterpart in Sampan"] == 1
    assert Group.objects.get(name="Author").user_set.count() == 1


def test_a_newer_export_adds_only_the_new_comments_in_their_threads(tmp_path):
    run_import()
    newer = MOVING_IN.read_text().replace(
        "\t\t<wp:comment>\n\t\t\t<wp:comment_id>102</wp:comment_id>",
        "\t\t<wp:comment>\n\t\t\t<wp:comment_id>108</wp:comment_id><wp:comment_author>Gina</wp:comment_author>"
        "<wp:comment_date_gmt>2020-01-01 10:00:00</wp:comment_date_gmt>"
        "<wp:comment_content>Late to this, lovely.</wp:comment_content><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_parent>100</wp:comment_parent>\n\t\t</wp:comment>\n"
        "\t\t<wp:comment>\n\t\t\t<wp:comment_id>102</wp:comment_id>",
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer)
    report = run_import(path)
    assert report.counts["comments"] == 1 and report.unchanged["posts"] == 8
    gina = Comment.objects.get(author_name="Gina")
    assert gina.parent == Comment.objects.get(author_name="Carol")
    assert Comment.objects.count() == 9


def test_without_a_map_an_author_missing_from_the_file_s_list_is_created_and_noted():
    report = run_import(WXR / "malformed/unknown-author.xml")
    assert Post.objects.get(slug="stranger").author.username == "ghost"
    assert "Author 'ghost' is not among the file's authors; created as a new Author." in report.notes


def test_items_that_name_no_author_go_to_the_first_administrator():
    admin = make_user("owner", role="Administrator")
    report = run_import(WXR / "namespace-edge-cases-ascii.xml")
    titles = set(Post.objects.filter(author=admin).values_list("title", flat=True))
    assert titles == {"Mixed Namespaces", "No Prefix", "Empty Namespace", "Namespace Bomb"}
    assert "Items that name no author go to the administrator 'owner'." in report.notes
    assert report.skipped["untyped items: no counterpart in Sampan"] == 1  # the one in a hijacked namespace
