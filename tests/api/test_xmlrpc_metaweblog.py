"""MetaWeblog (and Blogger's delete): what MarsEdit, Open Live Writer and phone apps do to a Sampan blog."""

import xmlrpc.client
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from sampan.blog import events
from sampan.blog.models import Category, Post, Tag
from tests.factories import make_category, make_post, make_tag

from .xmlrpc_helpers import call, fault_of, result_of, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def published_events():
    heard = []

    def listener(sender, post, **kwargs):
        heard.append(post.pk)

    events.post_published.connect(listener)
    yield heard
    events.post_published.disconnect(listener)


def _new(client, user, password, content, publish=True):
    return result_of(call(client, "metaWeblog.newPost", "1", user, password, content, publish))


def test_new_post_with_publish_goes_live_as_html_with_categories_and_tags(client, published_events):
    make_category("Rivers")
    _, password = writer("ana")
    content = {
        "title": "Down the Mekong",
        "description": "<p>We set off at <b>dawn</b>.</p>",
        "mt_excerpt": "A river trip",
        "categories": ["Rivers"],
        "mt_keywords": "boats, travel ,",
        "wp_slug": "mekong-trip",
    }
    post_id = _new(client, "ana", password, content)
    assert isinstance(post_id, str)
    post = Post.objects.get(pk=int(post_id))
    assert post.status == Post.Status.PUBLISHED and post.is_live
    assert post.body_format == Post.Format.HTML
    assert "<b>dawn</b>" in post.body_html
    assert post.slug == "mekong-trip"
    assert post.excerpt == "A river trip"
    assert [c.name for c in post.categories.all()] == ["Rivers"]
    assert sorted(t.name for t in post.tags.all()) == ["boats", "travel"]
    assert published_events == [post.pk]  # announced like a post published in the admin
    assert client.get(post.get_absolute_url()).status_code == 200


def test_new_post_without_publish_is_a_draft_and_not_announced(client, published_events):
    _, password = writer("ana")
    post = Post.objects.get(pk=int(_new(client, "ana", password, {"title": "Later"}, publish=False)))
    assert post.status == Post.Status.DRAFT
    assert published_events == []


def test_a_future_date_schedules_the_post(client):
    _, password = writer("ana")
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    content = {
        "title": "Soon",
        "description": "x",
        "dateCreated": xmlrpc.client.DateTime(when.strftime("%Y%m%dT%H:%M:%S")),
    }
    post = Post.objects.get(pk=int(_new(client, "ana", password, content)))
    assert post.status == Post.Status.SCHEDULED
    assert post.published_at == when


def test_post_status_field_wins_over_the_publish_flag(client):
    _, password = writer("ana")
    post_id = _new(client, "ana", password, {"title": "Hold", "post_status": "pending"}, publish=True)
    assert Post.objects.get(pk=int(post_id)).status == Post.Status.PENDING
    assert (
        fault_of(call(client, "metaWeblog.newPost", "1", "ana", password, {"post_status": "bogus"}, True))[0]
        == 403
    )


def test_unknown_categories_are_created_for_editors_and_refused_for_authors(client):
    _, editor_pw = writer("ed", role="Editor")
    _new(client, "ed", editor_pw, {"title": "A", "categories": ["New Shelf"]})
    assert Category.objects.filter(name="New Shelf", slug="new-shelf").exists()
    _, author_pw = writer("ana")
    code, message = fault_of(
        call(client, "metaWeblog.newPost", "1", "ana", author_pw, {"categories": ["Other"]}, True)
    )
    assert code == 401 and "Other" in message
    assert not Category.objects.filter(name="Other").exists()


def test_existing_tags_are_matched_by_name_whatever_the_case(client):
    make_tag("Boats")
    _, password = writer("ana")
    post = Post.objects.get(pk=int(_new(client, "ana", password, {"title": "A", "mt_keywords": "boats"})))
    assert list(post.tags.all()) == [Tag.objects.get(name="Boats")]


def test_edit_post_changes_text_keeps_it_live_and_replaces_tags(client):
    ana, password = writer("ana")
    post = make_post("First", author=ana, body="old", tags=[make_tag("old")])
    done = result_of(
        call(client, "metaWeblog.editPost", str(post.pk), "ana", password,
             {"title": "First, revised", "description": "<p>new text</p>", "mt_keywords": "fresh"}, True)
    )  # fmt: skip
    assert done is True
    post.refresh_from_db()
    assert post.title == "First, revised" and "new text" in post.body_html
    assert post.status == Post.Status.PUBLISHED
    assert [t.name for t in post.tags.all()] == ["fresh"]
    assert post.revisions.count() == 2


def test_edit_without_publish_takes_the_post_back_to_draft(client):
    ana, password = writer("ana")
    post = make_post("Live", author=ana)
    result_of(call(client, "metaWeblog.editPost", str(post.pk), "ana", password, {"title": "Live"}, False))
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_sending_back_the_local_date_we_gave_leaves_the_date_alone(client):
    ana, password = writer("ana")
    post = make_post("Dated", author=ana)
    before = post.published_at.replace(microsecond=0)
    struct = result_of(call(client, "metaWeblog.getPost", str(post.pk), "ana", password))
    struct["title"] = "Dated, again"
    result_of(call(client, "metaWeblog.editPost", str(post.pk), "ana", password, struct, True))
    post.refresh_from_db()
    assert post.published_at.replace(microsecond=0) == before


def test_get_post_gives_the_fields_apps_read(client):
    ana, password = writer("ana")
    post = make_post(
        "Shown", author=ana, body="**bold**", excerpt="ex", categories=[make_category("Rivers")],
        tags=[make_tag("boats"), make_tag("travel")],
    )  # fmt: skip
    struct = result_of(call(client, "metaWeblog.getPost", str(post.pk), "ana", password))
    assert struct["postid"] == str(post.pk)
    assert struct["title"] == "Shown"
    assert "<strong>bold</strong>" in struct["description"]  # a Markdown post is edited as its HTML
    assert struct["categories"] == ["Rivers"]
    assert struct["mt_keywords"] == "boats, travel"
    assert struct["mt_excerpt"] == "ex"
    assert struct["post_status"] == "publish"
    assert struct["link"] == settings.SITE_URL + post.get_absolute_url()
    assert struct["date_created_gmt"] == post.published_at.astimezone(UTC).replace(microsecond=0, tzinfo=None)
    local = timezone.localtime(post.published_at).replace(microsecond=0, tzinfo=None)
    assert struct["dateCreated"] == local


def test_an_unchanged_markdown_post_stays_markdown_after_an_app_saves_it(client):
    ana, password = writer("ana")
    post = make_post("Md", author=ana, body="*hi*")
    struct = result_of(call(client, "metaWeblog.getPost", str(post.pk), "ana", password))
    result_of(
        call(
            client,
            "metaWeblog.editPost",
            str(post.pk),
            "ana",
            password,
            {"description": struct["description"]},
            True,
        )
    )
    post.refresh_from_db()
    assert post.body_format == Post.Format.MARKDOWN and post.body == "*hi*"


def test_recent_posts_are_the_authors_own_newest_first(client):
    ana, password = writer("ana")
    old = make_post("Old", author=ana, published_at=timezone.now() - timedelta(days=3))
    new = make_post("New", author=ana)
    make_post("Someone else's")
    found = result_of(call(client, "metaWeblog.getRecentPosts", "1", "ana", password, 10))
    assert [p["postid"] for p in found] == [str(new.pk), str(old.pk)]
    assert len(result_of(call(client, "metaWeblog.getRecentPosts", "1", "ana", password, 1))) == 1


def test_get_categories_lists_names_parents_and_links(client):
    rivers = make_category("Rivers")
    make_category("Mekong", parent=rivers)
    _, password = writer("ana")
    found = {
        c["categoryName"]: c
        for c in result_of(call(client, "metaWeblog.getCategories", "1", "ana", password))
    }
    assert found["Mekong"]["parentId"] == str(rivers.pk)
    assert found["Rivers"]["htmlUrl"].endswith("/category/rivers/")
    assert found["Rivers"]["rssUrl"].endswith("/category/rivers/feed/")


def test_an_author_cannot_edit_or_delete_someone_elses_post(client):
    _, password = writer("ana")
    theirs = make_post("Theirs")
    assert fault_of(call(client, "metaWeblog.getPost", str(theirs.pk), "ana", password)) == (
        401,
        "Sorry, you are not allowed to edit this post.",
    )
    assert (
        fault_of(call(client, "metaWeblog.editPost", str(theirs.pk), "ana", password, {"title": "x"}, True))[
            0
        ]
        == 401
    )
    assert fault_of(call(client, "blogger.deletePost", "k", str(theirs.pk), "ana", password, True)) == (
        401,
        "Sorry, you are not allowed to delete this post.",
    )
    assert Post.objects.filter(pk=theirs.pk, title="Theirs").exists()


def test_an_editor_edits_anyones_post(client):
    _, password = writer("ed", role="Editor")
    theirs = make_post("Theirs")
    result_of(call(client, "metaWeblog.editPost", str(theirs.pk), "ed", password, {"title": "Edited"}, True))
    theirs.refresh_from_db()
    assert theirs.title == "Edited"


def test_authors_cannot_write_pages_or_make_posts_sticky(client):
    _, password = writer("ana")
    assert (
        fault_of(call(client, "metaWeblog.newPost", "1", "ana", password, {"post_type": "page"}, True))[0]
        == 401
    )
    assert (
        fault_of(call(client, "metaWeblog.newPost", "1", "ana", password, {"sticky": True}, True))[0] == 401
    )
    assert not Post.objects.exists()


def test_blogger_delete_post_removes_it(client):
    ana, password = writer("ana")
    post = make_post("Gone", author=ana)
    url = post.get_absolute_url()
    assert result_of(call(client, "blogger.deletePost", "key", str(post.pk), "ana", password, True)) is True
    assert not Post.objects.filter(pk=post.pk).exists()
    assert client.get(url).status_code == 404


def test_missing_posts_are_fault_404(client):
    _, password = writer("ana")
    assert fault_of(call(client, "metaWeblog.getPost", "999", "ana", password)) == (404, "Invalid post ID.")
    assert fault_of(call(client, "metaWeblog.getPost", "abc", "ana", password))[0] == 404


def _png(size=(8, 6)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_new_media_object_stores_a_real_image_under_uploads(client):
    _, password = writer("ana")
    data = {"name": "../../evil photo.jpg", "type": "image/jpeg", "bits": xmlrpc.client.Binary(_png())}
    found = result_of(call(client, "metaWeblog.newMediaObject", "1", "ana", password, data))
    assert found["type"] == "image/png"  # what the file is, whatever it is called
    month = timezone.now().strftime("%Y/%m")
    assert found["url"].startswith(f"{settings.SITE_URL}/media/uploads/{month}/")
    assert found["file"].endswith(".png") and "/" not in found["file"] and ".." not in found["url"]
    stored = Path(settings.MEDIA_ROOT) / found["id"]
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("PNG", (8, 6))


def test_uploaded_photos_lose_their_camera_and_gps_metadata(client):
    from tests.blog.test_images import photo_bytes

    _, password = writer("ana")
    data = {"name": "beach.jpg", "type": "image/jpeg", "bits": xmlrpc.client.Binary(photo_bytes(40, 30))}
    found = result_of(call(client, "metaWeblog.newMediaObject", "1", "ana", password, data))
    with Image.open(Path(settings.MEDIA_ROOT) / found["id"]) as image:
        assert image.format == "JPEG"
        assert not image.getexif()


def test_new_media_object_refuses_what_is_not_an_image(client):
    _, password = writer("ana")
    data = {"name": "x.png", "type": "image/png", "bits": xmlrpc.client.Binary(b"<?php echo 1; ?>")}
    code, message = fault_of(call(client, "metaWeblog.newMediaObject", "1", "ana", password, data))
    assert code == 500 and "not an image" in message


def test_new_media_object_refuses_files_over_the_size_limit(client, settings):
    settings.MAX_UPLOAD_IMAGE_BYTES = 50
    _, password = writer("ana")
    data = {"name": "x.png", "type": "image/png", "bits": xmlrpc.client.Binary(_png((40, 40)))}
    code, message = fault_of(call(client, "metaWeblog.newMediaObject", "1", "ana", password, data))
    assert code == 500 and "largest image" in message


def test_an_upload_too_big_for_one_xml_value_is_a_clean_fault(client):
    _, password = writer("ana")
    junk = b"\x00" * (
        8 * 1024 * 1024
    )  # over Django's form-data limit once base64-encoded: the view reads raw
    data = {"name": "big.png", "type": "image/png", "bits": xmlrpc.client.Binary(junk)}
    code, message = fault_of(call(client, "metaWeblog.newMediaObject", "1", "ana", password, data))
    assert code == -32600 and "too large" in message


def test_a_refused_call_leaves_no_new_tags_or_categories_behind(client):
    _, password = writer("ana")
    content = {"title": "A", "mt_keywords": "brand-new", "categories": ["Not allowed"]}
    assert fault_of(call(client, "metaWeblog.newPost", "1", "ana", password, content, True))[0] == 401
    content = {"title": "x" * 400, "mt_keywords": "brand-new"}
    assert fault_of(call(client, "metaWeblog.newPost", "1", "ana", password, content, True))[0] == 400
    assert not Tag.objects.exists() and not Category.objects.exists()
