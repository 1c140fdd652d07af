"""The post page's article is built once per cache generation: every change a reader could see must show."""

import pytest

from sampan.blog import services
from sampan.core.admin import ReaderVisibleAdmin
from tests.factories import local, make_category, make_post

pytestmark = pytest.mark.django_db


def _as_writer(client):
    """A session cookie bypasses the page cache, so these requests exercise the fragment cache alone."""
    client.cookies["sessionid"] = "not-signed-in"
    return client


def test_next_post_link_appears_when_a_newer_post_is_published(client):
    older = make_post("Older", published_at=local(2024, 3, 2))
    assert "Next post" not in _as_writer(client).get(older.get_absolute_url()).text
    make_post("Newer", published_at=local(2024, 3, 5))
    assert "Next post</span> Newer" in client.get(older.get_absolute_url()).text


def test_edited_text_shows_at_once(client):
    post = make_post("Tide tables", body="Low tide at noon.", published_at=local(2024, 3, 2))
    assert "Low tide at noon." in _as_writer(client).get(post.get_absolute_url()).text
    post.body = "Low tide at one."
    services.save_post(post, previous_status=post.status)
    text = client.get(post.get_absolute_url()).text
    assert "Low tide at one." in text
    assert "Low tide at noon." not in text


def test_renamed_category_shows_on_its_posts(client, rf, admin_user):
    boats = make_category("Boats")
    post = make_post("Hulls", categories=[boats], published_at=local(2024, 3, 2))
    assert ">Boats</a>" in _as_writer(client).get(post.get_absolute_url()).text
    boats.name = "Small boats"
    ReaderVisibleAdmin(type(boats), admin_site=None).save_model(rf.post("/"), boats, form=None, change=True)  # type: ignore[arg-type]
    assert ">Small boats</a>" in client.get(post.get_absolute_url()).text


def test_password_protected_post_is_never_served_from_the_shared_fragment(client):
    post = make_post("Diary", body="Very private words.", password="oar", published_at=local(2024, 3, 2))
    assert "Very private words." not in _as_writer(client).get(post.get_absolute_url()).text


def test_page_description_comes_from_the_excerpt_or_the_text(client):
    post = make_post("Nets", body="Knots and more knots, all afternoon.", published_at=local(2024, 3, 2))
    assert (
        '<meta name="description" content="Knots and more knots, all afternoon.">'
        in client.get(post.get_absolute_url()).text
    )
