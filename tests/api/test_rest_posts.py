"""REST API, posts and pages: public reading, writing by role, and what readers see afterwards."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.blog.models import Post, Revision
from tests.api.test_rest_support import writer
from tests.factories import make_category, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


def test_anonymous_list_shows_only_published_posts(client):
    live = make_post("Out there")
    for status in ("draft", "pending", "private"):
        make_post(f"Hidden {status}", status=status)
    make_post("Later", status="future", published_at=timezone.now() + timedelta(days=2))
    make_post("A page", kind="page")
    response = client.get("/api/posts/")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [live.pk]
    body = response.json()[0]
    assert body["type"] == "post" and body["status"] == "publish"
    assert body["content"]["raw"] is None and body["password"] is None
    assert body["link"].endswith(live.get_absolute_url())
    assert body["date"].endswith("+13:00")  # the site's time zone (Auckland in tests), with its offset
    assert body["date_gmt"].endswith(("Z", "+00:00"))


def test_drafts_and_private_posts_are_404_for_anonymous_readers(client):
    for status in ("draft", "private", "pending"):
        post = make_post(status=status)
        response = client.get(f"/api/posts/{post.pk}/")
        assert response.status_code == 404
        assert response.json() == {"message": "Not found."}


def test_protected_post_hides_its_text_and_password_from_readers_but_not_from_its_author(client):
    author, headers = writer("Author")
    post = make_post("Secret", body="the hidden words", password="letmein", author=author)
    public = client.get(f"/api/posts/{post.pk}/").json()
    assert public["password_protected"] is True
    assert public["content"]["rendered"] == "" and public["excerpt"]["rendered"] == ""
    assert "letmein" not in str(public) and "hidden words" not in str(public)
    mine = client.get(f"/api/posts/{post.pk}/", headers=headers).json()
    assert mine["password"] == "letmein"
    assert mine["content"]["raw"] == "the hidden words"
    _, other = writer("Author")
    assert client.get(f"/api/posts/{post.pk}/", headers=other).json()["password"] is None


def test_author_creates_a_post_that_readers_find_at_its_link_and_in_the_feed(client):
    author, headers = writer("Author")
    response = client.post(
        "/api/posts/",
        {"title": "Hello from the API", "content": "Some *bold* words", "status": "publish",
         "tag_names": ["api", "news"]},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["author"]["username"] == author.username
    assert body["content"]["rendered"].strip() == "<p>Some <em>bold</em> words</p>"
    assert len(body["tags"]) == 2
    path = body["link"].split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "Hello from the API" in page.content.decode()
    assert "Hello from the API" in client.get("/feed/").content.decode()


def test_a_new_post_is_a_draft_unless_said_otherwise(client):
    _, headers = writer("Author")
    body = client.post("/api/posts/", {"title": "Just notes"}, content_type="application/json",
                       headers=headers).json()  # fmt: skip
    assert body["status"] == "draft"
    assert client.get(f"/api/posts/{body['id']}/").status_code == 404


def test_authors_may_not_create_pages_but_editors_may(client):
    _, author = writer("Author")
    refused = client.post("/api/pages/", {"title": "About"}, content_type="application/json", headers=author)
    assert refused.status_code == 403
    assert "editors" in refused.json()["message"]
    _, editor = writer("Editor")
    made = client.post("/api/pages/", {"title": "About", "status": "publish"}, content_type="application/json",
                       headers=editor)  # fmt: skip
    assert made.status_code == 201 and made.json()["type"] == "page"
    assert client.get("/about/").status_code == 200


def test_authors_edit_only_their_own_posts_editors_edit_all(client):
    owner, _ = writer("Author")
    post = make_post("Mine", author=owner)
    _, stranger = writer("Author")
    refused = client.patch(f"/api/posts/{post.pk}/", {"title": "Theirs"}, content_type="application/json",
                           headers=stranger)  # fmt: skip
    assert refused.status_code == 403 and refused.json()["message"] == "You may not edit this post."
    assert client.delete(f"/api/posts/{post.pk}/", headers=stranger).status_code == 403
    _, editor = writer("Editor")
    changed = client.patch(f"/api/posts/{post.pk}/", {"title": "Edited"}, content_type="application/json",
                           headers=editor)  # fmt: skip
    assert changed.status_code == 200 and changed.json()["title"] == "Edited"


def test_patch_changes_only_what_was_sent_and_keeps_a_revision(client):
    author, headers = writer("Author")
    news = make_category("News")
    post = make_post("First title", author=author, body="Old words", categories=[news])
    before = Revision.objects.filter(post=post).count()
    response = client.patch(f"/api/posts/{post.pk}/", {"content": "New words", "tag_names": ["fresh"]},
                            content_type="application/json", headers=headers)  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "First title" and body["categories"] == [news.pk]
    assert "New words" in body["content"]["rendered"] and len(body["tags"]) == 1
    assert Revision.objects.filter(post=post).count() == before + 1
    assert Revision.objects.filter(post=post).values_list("body", flat=True).first() == "New words"


def test_publishing_a_draft_dates_it_now(client):
    author, headers = writer("Author")
    draft = make_post(author=author, status="draft", published_at=timezone.now() - timedelta(days=30))
    body = client.patch(f"/api/posts/{draft.pk}/", {"status": "publish"}, content_type="application/json",
                        headers=headers).json()  # fmt: skip
    draft.refresh_from_db()
    assert body["status"] == "publish"
    assert timezone.now() - draft.published_at < timedelta(minutes=1)


def test_a_future_date_schedules_the_post(client):
    _, headers = writer("Editor")
    when = (timezone.now() + timedelta(days=3)).isoformat()
    body = client.post("/api/posts/", {"title": "Soon", "status": "publish", "date": when},
                       content_type="application/json", headers=headers).json()  # fmt: skip
    assert body["status"] == "future"
    assert client.get(f"/api/posts/{body['id']}/").status_code == 404


def test_deleted_post_is_gone(client):
    author, headers = writer("Author")
    post = make_post(author=author)
    response = client.delete(f"/api/posts/{post.pk}/", headers=headers)
    assert response.status_code == 204
    assert client.get(f"/api/posts/{post.pk}/").status_code == 404
    assert client.delete(f"/api/posts/{post.pk}/", headers=headers).status_code == 404
    assert not Post.objects.filter(pk=post.pk).exists()


def test_categories_and_tags_by_name_and_id(client):
    _, headers = writer("Editor")
    news = make_category("News")
    body = client.post(
        "/api/posts/",
        {"title": "Tagged", "categories": [news.pk], "category_names": ["Fresh Things"], "tag_names": ["News"]},
        content_type="application/json", headers=headers,
    ).json()  # fmt: skip
    post = Post.objects.get(pk=body["id"])
    assert sorted(c.name for c in post.categories.all()) == ["Fresh Things", "News"]
    assert [t.name for t in post.tags.all()] == ["News"]


def test_authors_may_not_invent_categories(client):
    _, headers = writer("Author")
    response = client.post("/api/posts/", {"title": "x", "category_names": ["Brand new"]},
                           content_type="application/json", headers=headers)  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category_names"


def test_a_page_cannot_be_its_own_ancestor(client):
    _, headers = writer("Editor")
    top = make_post("Top", kind="page")
    child = make_post("Child", kind="page", parent=top)
    response = client.patch(f"/api/pages/{top.pk}/", {"parent": child.pk}, content_type="application/json",
                            headers=headers)  # fmt: skip
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parent"
    assert client.get(f"/api/pages/{child.pk}/").json()["parent"] == top.pk


def test_pages_and_posts_are_listed_apart(client):
    page = make_post("About", kind="page")
    post = make_post("News")
    assert [p["id"] for p in client.get("/api/pages/").json()] == [page.pk]
    assert client.get(f"/api/posts/{page.pk}/").status_code == 404
    assert client.get(f"/api/pages/{post.pk}/").status_code == 404


def test_other_authors_drafts_are_hidden_from_an_author_but_not_from_an_editor(client):
    draft = make_post("Someone's draft", status="draft")
    _, author = writer("Author")
    _, editor = writer("Editor")
    assert client.get(f"/api/posts/{draft.pk}/", headers=author).status_code == 404
    listed = client.get("/api/posts/?status=draft", headers=editor).json()
    assert [p["id"] for p in listed] == [draft.pk]
    assert listed[0]["content"]["raw"] is not None


def test_readers_only_see_public_statuses(client):
    make_post(status="draft")
    response = client.get("/api/posts/?status=draft")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="Sampan API"')


def test_tags_filter_and_author_filter(client):
    someone = make_user()
    tag = make_tag("Cats")
    cats = make_post("Cats", tags=[tag], author=someone)
    make_post("Dogs")
    assert [p["id"] for p in client.get(f"/api/posts/?tag={tag.pk}").json()] == [cats.pk]
    assert [p["id"] for p in client.get(f"/api/posts/?author={someone.pk}").json()] == [cats.pk]
