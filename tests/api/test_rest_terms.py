"""REST API, categories, tags and the site: public lists with counts; who may add terms."""

import pytest

from sampan.blog.models import Category
from tests.api.test_rest_support import writer
from tests.factories import make_category, make_post, make_tag

pytestmark = pytest.mark.django_db


def test_categories_list_with_published_post_counts(client):
    news = make_category("News")
    sub = make_category("Local", parent=news)
    make_post(categories=[news])
    make_post(categories=[news], status="draft")
    listed = {c["name"]: c for c in client.get("/api/categories/").json()}
    assert listed["News"]["count"] == 1 and listed["Local"]["count"] == 0
    assert listed["Local"]["parent"] == news.pk
    assert listed["Local"]["link"] == "http://127.0.0.1:8000" + sub.get_absolute_url()
    one = client.get(f"/api/categories/{news.pk}/")
    assert one.status_code == 200 and one.json()["slug"] == "news"
    assert client.get("/api/categories/4242/").status_code == 404


def test_only_editors_add_categories(client):
    _, author = writer("Author")
    refused = client.post(
        "/api/categories/", {"name": "Travel"}, content_type="application/json", headers=author
    )
    assert refused.status_code == 403
    _, editor = writer("Editor")
    made = client.post("/api/categories/", {"name": "Travel", "description": "Away"},
                       content_type="application/json", headers=editor)  # fmt: skip
    assert made.status_code == 201 and made.json()["slug"] == "travel"
    again = client.post(
        "/api/categories/", {"name": "Travel"}, content_type="application/json", headers=editor
    )
    assert again.json()["slug"] == "travel-2"
    assert Category.objects.filter(name="Travel").count() == 2


def test_authors_add_tags_and_anyone_lists_them(client):
    _, author = writer("Author")
    made = client.post("/api/tags/", {"name": "Sea Kayaks"}, content_type="application/json", headers=author)
    assert made.status_code == 201 and made.json()["slug"] == "sea-kayaks"
    make_post(tags=[make_tag("Boats")])
    names = {t["name"]: t["count"] for t in client.get("/api/tags/").json()}
    assert names == {"Boats": 1, "Sea Kayaks": 0}
    assert client.post("/api/tags/", {"name": "x"}, content_type="application/json").status_code == 401


def test_category_parent_must_exist(client):
    _, editor = writer("Editor")
    response = client.post("/api/categories/", {"name": "Orphan", "parent": 999},
                           content_type="application/json", headers=editor)  # fmt: skip
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parent"


def test_site_says_its_name_address_and_counts(client):
    make_post()
    make_post(status="draft")
    make_post(kind="page")
    make_tag("One")
    body = client.get("/api/site/").json()
    assert body["title"] and body["url"] == "http://127.0.0.1:8000/"
    assert body["counts"] == {"posts": 1, "pages": 1, "categories": 0, "tags": 1}
