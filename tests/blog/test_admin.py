from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django_tasks import default_task_backend
from PIL import Image

from sampan.blog import events, services
from sampan.blog.models import Category, Post
from sampan.core.models import SiteSettings
from tests.factories import make_category, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db

ADD_POST = "/admin/blog/post/add/"
PREVIEW = "/admin/blog/post/preview/"


def change_url(post: Post) -> str:
    return f"/admin/blog/{'page' if post.is_page else 'post'}/{post.pk}/change/"


def form_data(*, when=None, **fields) -> dict:
    """What the post form sends when the author leaves everything but `fields` as it was."""
    shown = timezone.localtime(when or timezone.now())
    date, time = shown.strftime("%Y-%m-%d"), shown.strftime("%H:%M:%S")
    data = {
        "title": "A day on the river", "slug": "", "body_format": "markdown", "body": "We *rowed*.",
        "excerpt": "", "status": "draft", "published_at_0": date, "published_at_1": time,
        "initial-published_at_0": date, "initial-published_at_1": time, "password": "",
        "comments_open": "on", "pings_open": "on", "featured_image_alt": "",
    }  # fmt: skip
    data.update(fields)
    return data


@pytest.fixture
def heard():
    """What the blog announced, and which categories each post had at that moment."""
    log: list[tuple[str, str, list[str]]] = []

    def listen(name):
        def receiver(sender, post, **kwargs):
            log.append((name, post.title, sorted(c.name for c in post.categories.all())))

        return receiver

    receivers = {signal: listen(name) for name, signal in
                 [("published", events.post_published), ("unpublished", events.post_unpublished)]}  # fmt: skip
    for signal, receiver in receivers.items():
        signal.connect(receiver)
    yield log
    for signal, receiver in receivers.items():
        signal.disconnect(receiver)


# -- preview ----------------------------------------------------------------------------------------------


def test_preview_renders_markdown_as_readers_get_it_and_strips_scripts(client, author):
    response = client.post(
        PREVIEW, {"body": "Hello **bold**<script>alert(1)</script>", "body_format": "markdown"}
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html


def test_preview_follows_the_html_body_format(client, author):
    source = "<em>as written</em> **not markdown**"
    html = client.post(PREVIEW, {"body": source, "body_format": "html"}).json()["html"]
    assert "<em>as written</em>" in html
    assert "<strong>" not in html


def test_preview_is_refused_to_visitors_and_readers_who_are_not_staff(client):
    assert client.post(PREVIEW, {"body": "x"}).status_code == 302
    client.force_login(make_user("reader"))
    assert client.post(PREVIEW, {"body": "x"}).status_code == 302


def test_preview_needs_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("ana", role="Author"))
    assert strict.post(PREVIEW, {"body": "x"}).status_code == 403


def test_preview_only_answers_post(client, author):
    assert client.get(PREVIEW).status_code == 405


def test_change_form_has_the_preview_region_and_a_preview_link_for_a_draft(client, author):
    post = make_post("Not yet", author=author, status="draft")
    page = client.get(change_url(post)).text
    assert '<h3 class="blog-preview-heading" id="id_body-preview-heading">Preview</h3>' in page
    assert 'data-preview-url="/admin/blog/post/preview/"' in page
    assert f'href="{post.get_absolute_url()}" class="viewsitelink">Preview</a>' in page
    assert client.get(post.get_absolute_url()).status_code == 200


# -- saving -------------------------------------------------------------------------------------------------


def test_saving_in_the_admin_publishes_with_categories_already_set_when_announced(client, editor, heard):
    boats, rivers = make_category("Boats"), make_category("Rivers")
    tag = make_tag("rowing")
    data = form_data(status="publish", author=editor.pk, categories=[boats.pk, rivers.pk], tags=[tag.pk])
    response = client.post(ADD_POST, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = Post.objects.get(title="A day on the river")
    assert post.status == Post.Status.PUBLISHED
    assert post.kind == Post.Kind.POST
    assert list(post.tags.all()) == [tag]
    assert heard == [("published", "A day on the river", ["Boats", "Rivers"])]
    assert post.revisions.count() == 1
    assert "<em>rowed</em>" in post.body_html


def test_publishing_a_draft_without_touching_its_date_publishes_it_now(client, author):
    post = make_post(
        "Old draft", author=author, status="draft", published_at=timezone.now() - timedelta(days=9)
    )
    client.post(change_url(post), form_data(title="Old draft", status="publish", when=post.published_at))
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert timezone.now() - post.published_at < timedelta(minutes=5)


def test_scheduled_post_is_published_by_the_worker_when_its_time_comes(
    client, author, settings, heard, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    later = timezone.now() + timedelta(days=2)
    data = form_data(
        title="Tomorrow's trip",
        status="publish",
        published_at_0=timezone.localtime(later).strftime("%Y-%m-%d"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_POST, data, follow=True)
    post = Post.objects.get(title="Tomorrow's trip")
    assert post.status == Post.Status.SCHEDULED
    assert "is scheduled for" in response.text
    [queued] = default_task_backend.results
    assert queued.task.name == "publish_due_posts"
    assert queued.task.run_after == post.published_at
    assert services.publish_due_posts(now=post.published_at - timedelta(minutes=1)) == []
    assert [p.pk for p in services.publish_due_posts(now=post.published_at + timedelta(minutes=1))] == [
        post.pk
    ]
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert heard == [("published", "Tomorrow's trip", [])]


def test_choosing_scheduled_with_a_past_date_is_refused_with_a_message(client, author):
    response = client.post(ADD_POST, form_data(status="future", when=timezone.now() - timedelta(days=1)))
    assert response.status_code == 200
    assert "pick a publish date in the future" in response.text
    assert not Post.objects.exists()


def test_featured_image_upload_in_the_admin_makes_its_sizes(client, author):
    out = BytesIO()
    Image.new("RGB", (1300, 650), "teal").save(out, format="PNG")
    upload = SimpleUploadedFile("wide.png", out.getvalue(), content_type="image/png")
    response = client.post(ADD_POST, {**form_data(), "featured_image": upload})
    assert response.status_code == 302
    post = Post.objects.get()
    variants = post.featured_image_variants
    assert [e.rsplit(" ", 1)[1] for e in variants["srcset"].split(", ")] == ["480w", "800w", "1200w", "1300w"]
    shown = client.get(change_url(post)).text
    assert f'<img src="{post.featured_image.url}" alt="The current featured image"' in shown


def test_featured_image_that_is_not_an_image_is_refused_with_a_message(client, author):
    upload = SimpleUploadedFile("notes.png", b"these are notes", content_type="image/png")
    response = client.post(ADD_POST, {**form_data(), "featured_image": upload})
    assert response.status_code == 200
    assert "This file is not an image" in response.text
    assert not Post.objects.exists()


def test_bulk_publish_and_move_to_draft_go_through_the_service(client, editor, heard):
    draft = make_post("Draft one", status="draft")
    live = make_post("Live one")
    heard.clear()
    client.post("/admin/blog/post/", {"action": "publish_now", "_selected_action": [draft.pk]})
    client.post("/admin/blog/post/", {"action": "move_to_draft", "_selected_action": [live.pk]})
    draft.refresh_from_db()
    live.refresh_from_db()
    assert (draft.status, live.status) == (Post.Status.PUBLISHED, Post.Status.DRAFT)
    assert heard == [("published", "Draft one", []), ("unpublished", "Live one", [])]


def test_bulk_delete_goes_through_the_service(client, editor, heard):
    gone = make_post("Gone")
    heard.clear()
    client.post(
        "/admin/blog/post/", {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"}
    )
    assert not Post.objects.filter(pk=gone.pk).exists()
    assert heard == [("unpublished", "Gone", [])]


def test_page_written_in_the_pages_admin_is_a_page_under_its_parent(client, editor):
    about = make_post("About", kind="page")
    data = form_data(title="Our boat", status="publish", author=editor.pk, parent=about.pk, menu_order="2")
    assert client.post("/admin/blog/page/add/", data).status_code == 302
    page = Post.objects.get(title="Our boat")
    assert (page.kind, page.get_absolute_url()) == (Post.Kind.PAGE, "/about/our-boat/")
    assert "Our boat" in client.get("/admin/blog/page/").text
    assert "Our boat" not in client.get("/admin/blog/post/").text


def test_page_with_subpages_is_not_deleted_and_the_admin_says_why(client, editor):
    about = make_post("About", kind="page")
    make_post("Our boat", kind="page", parent=about)
    response = client.post(
        "/admin/blog/page/", {"action": "delete_selected", "_selected_action": [about.pk], "post": "yes"}
    )
    assert "would require deleting the following protected related objects" in response.text
    assert Post.objects.count() == 2


def test_author_finds_tags_by_typing_in_the_tags_box(client, author):
    make_tag("rowing")
    make_tag("cooking")
    query = "app_label=blog&model_name=post&field_name=tags&term=row"
    response = client.get(f"/admin/autocomplete/?{query}")
    assert [r["text"] for r in response.json()["results"]] == ["rowing"]


# -- roles --------------------------------------------------------------------------------------------------


def test_author_sees_only_their_own_posts_in_the_list(client, author):
    make_post("Mine", author=author)
    make_post("Someone else's")
    listing = client.get("/admin/blog/post/").text
    assert "Mine" in listing
    assert "Someone else&#x27;s" not in listing


def test_author_cannot_open_change_or_delete_another_authors_post_by_url(client, author):
    theirs = make_post("Theirs")
    assert client.get(change_url(theirs)).status_code == 403
    assert client.post(change_url(theirs), form_data(title="Mine now")).status_code == 403
    assert client.post(f"/admin/blog/post/{theirs.pk}/delete/", {"post": "yes"}).status_code == 403
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"


def test_author_cannot_put_their_post_under_someone_elses_name(client, author):
    other = make_user("bob", role="Author")
    client.post(ADD_POST, form_data(author=other.pk))
    assert Post.objects.get().author == author


def test_author_does_not_get_pages_but_an_editor_does(client, author):
    assert client.get("/admin/blog/page/").status_code == 403
    client.force_login(make_user("eve", role="Editor"))
    assert client.get("/admin/blog/page/").status_code == 200


def test_editor_sees_everyones_posts_and_may_pick_the_author(client, editor):
    other = make_user("bob", role="Author")
    theirs = make_post("Bob's post", author=other)
    assert "Bob&#x27;s post" in client.get("/admin/blog/post/").text
    client.post(change_url(theirs), form_data(title="Bob's post", author=editor.pk, when=theirs.published_at))
    theirs.refresh_from_db()
    assert theirs.author == editor


def test_author_cannot_edit_site_settings_or_widgets(client, author):
    SiteSettings.load()
    assert client.get("/admin/core/sitesettings/1/change/").status_code == 403
    assert client.get("/admin/theme/widget/").status_code == 403


def test_staff_user_list_shows_each_persons_role(client):
    client.force_login(make_user("root", role="Administrator"))
    make_user("ana", role="Author")
    make_user("eve", role="Editor")
    listing = client.get("/admin/auth/user/").text
    assert "Author" in listing
    assert "Editor" in listing
    assert "Administrator" in listing


def test_admin_is_titled_after_the_blog(client, editor):
    settings = SiteSettings.load()
    settings.title = "River Notes"
    settings.save()
    page = client.get("/admin/").text
    assert "River Notes admin" in page
    assert 'href="/"' in page  # View site


# -- categories ---------------------------------------------------------------------------------------------


def test_category_cannot_become_its_own_ancestor(client, editor):
    boats = make_category("Boats")
    canoes = make_category("Canoes", parent=boats)
    data = {"name": "Boats", "slug": "boats", "parent": canoes.pk, "description": ""}
    response = client.post(f"/admin/blog/category/{boats.pk}/change/", data)
    assert response.status_code == 200
    assert "cannot be its own parent or sit inside one of its own subcategories" in response.text
    boats.refresh_from_db()
    assert boats.parent is None


def test_categories_are_listed_with_subcategories_indented_under_their_parent(client, editor):
    boats = make_category("Boats")
    make_category("Apples")
    make_category("Canoes", parent=boats)
    listing = client.get("/admin/blog/category/").text
    order = [listing.index(name) for name in ("Apples", "Boats", "— Canoes")]
    assert order == sorted(order)
    assert Category.objects.count() == 3
