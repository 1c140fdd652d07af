import pytest

from tests.factories import local, make_post

pytestmark = pytest.mark.django_db


def test_post_permalink_uses_the_sites_local_date_not_utc():
    # 00:30 on 2 March in Auckland is still 1 March in UTC.
    post = make_post("Late night", published_at=local(2024, 3, 2, 0, 30))
    assert post.get_absolute_url() == "/2024/03/02/late-night/"


def test_post_is_served_at_its_permalink(client):
    post = make_post("Hello river", published_at=local(2024, 3, 2))
    response = client.get("/2024/03/02/hello-river/")
    assert response.status_code == 200
    assert "Hello river" in response.text
    assert post.get_absolute_url() == "/2024/03/02/hello-river/"


def test_link_with_wrong_date_redirects_to_the_real_permalink(client):
    make_post("Moved", published_at=local(2024, 3, 2))
    response = client.get("/2024/03/01/moved/")
    assert response.status_code == 301
    assert response["Location"] == "/2024/03/02/moved/"


def test_query_string_post_id_redirects_to_the_permalink(client):
    post = make_post("By id", published_at=local(2024, 3, 2))
    response = client.get(f"/?p={post.pk}")
    assert response.status_code == 301
    assert response["Location"] == "/2024/03/02/by-id/"


def test_child_page_lives_under_its_parent(client):
    about = make_post("About", kind="page")
    boat = make_post("Our boat", kind="page", parent=about)
    assert boat.get_absolute_url() == "/about/our-boat/"
    assert client.get("/about/our-boat/").status_code == 200
    assert client.get("/our-boat/").status_code == 404


def test_draft_is_not_shown_to_readers(client):
    make_post("Secret plans", status="draft", published_at=local(2024, 3, 2))
    assert client.get("/2024/03/02/secret-plans/").status_code == 404


def test_a_draft_shows_to_its_author_and_editors_but_not_to_other_authors(client):
    from tests.factories import make_user

    ana = make_user("ana", role="Author")
    post = make_post("Half-written", author=ana, status="draft", published_at=local(2024, 3, 2))
    client.force_login(make_user("bob", role="Author"))
    assert client.get(post.get_absolute_url()).status_code == 404
    client.force_login(ana)
    assert client.get(post.get_absolute_url()).status_code == 200
    client.force_login(make_user("eve", role="Editor"))
    assert client.get(post.get_absolute_url()).status_code == 200


def test_api_addresses_refused_before_the_api_runs_get_json(client):
    response = client.get("/api/posts/?search=" + "x" * 5000)
    assert response.status_code == 400
    assert response.json() == {"message": "The address is too long."}
