"""After an import, the old site's addresses answer: the item itself, or a redirect to it."""

import pytest

from sampan.blog.models import Post
from tests.factories import make_post, make_user

from .conftest import run_import

pytestmark = pytest.mark.django_db


def test_an_old_link_in_another_time_zone_redirects_to_the_post(client):
    run_import()
    response = client.get("/2019/03/09/down-the-river/")
    assert response.status_code == 301 and response["Location"] == "/2019/03/10/down-the-river/"
    assert client.get("/2019/03/10/down-the-river/").status_code == 200


def test_old_query_string_ids_are_the_wordpress_ids(client):
    run_import()
    blocks = Post.objects.get(slug="blocks-on-the-bank")
    response = client.get("/?p=11")
    assert response.status_code == 301 and response["Location"] == blocks.get_absolute_url()
    response = client.get("/?page_id=31")
    assert response.status_code == 301 and response["Location"] == "/about/team/"


def test_a_query_string_id_the_import_does_not_know_is_the_blogs_own(client):
    own = make_post("Written here")
    run_import()
    assert own.pk not in (10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 30, 31)
    assert client.get(f"/?p={own.pk}")["Location"] == own.get_absolute_url()
    assert client.get("/?p=987654").status_code == 404


def test_an_old_id_of_a_post_readers_may_not_see_is_not_found(client):
    run_import()
    assert client.get("/?p=12").status_code == 404  # a draft
    assert client.get("/?p=15").status_code == 404  # private


def test_pages_keep_their_paths_under_their_parents(client):
    run_import()
    assert client.get("/about/").status_code == 200
    response = client.get("/about/team/")
    assert response.status_code == 200 and "Who paddles." in response.content.decode()


def test_a_custom_permalink_and_a_taken_slug_lead_to_the_imported_post(client):
    own = make_post("Hello world")
    run_import()
    imported = Post.objects.exclude(pk=own.pk).get(title="Hello world")
    response = client.get("/archives/17")
    assert response.status_code == 301 and response["Location"] == imported.get_absolute_url()
    assert client.get(own.get_absolute_url()).status_code == 200  # this site's own post keeps its address


def test_attachment_pages_lead_to_the_file(client):
    run_import()
    response = client.get("/2019/03/09/down-the-river/river/")
    assert response.status_code == 301 and response["Location"] == "/media/uploads/2019/03/river.jpg"
    assert client.get("/?attachment_id=21")["Location"] == "/media/uploads/2019/03/boat.png"


def test_attachment_pages_lead_to_their_post_when_the_file_was_not_brought(client):
    run_import(media_from=None, skip_media=True)
    response = client.get("/2019/03/09/down-the-river/river/")
    assert response.status_code == 301 and response["Location"] == "/2019/03/10/down-the-river/"


def test_every_old_link_in_the_file_answers(client):
    run_import()
    links = [
        "/2019/03/09/down-the-river/", "/?p=11", "/2019/04/05/locked-away/", "/about/team/", "/about/",
        "/archives/17", "/2019/03/09/down-the-river/river/", "/?attachment_id=21",
    ]  # fmt: skip
    for link in links:
        response = client.get(link, follow=True)
        assert response.status_code == 200, link


def test_the_admin_lists_old_links_and_import_runs_read_only(client):
    run_import()
    client.force_login(make_user("boss", role="Administrator"))
    links = client.get("/admin/porting/oldlink/")
    assert links.status_code == 200 and "/archives/17" in links.content.decode()
    runs = client.get("/admin/porting/importrun/")
    assert runs.status_code == 200 and "sampan-moving-in.xml" in runs.content.decode()
    assert client.get("/admin/porting/oldlink/add/").status_code == 403
