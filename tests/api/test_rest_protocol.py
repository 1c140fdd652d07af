"""REST API, the protocol around the resources: credentials, rate limits, pagination, filters, ETags, errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.api import passwords
from sampan.core import pagecache
from tests.api.test_rest_support import basic, writer
from tests.factories import local, make_category, make_post

pytestmark = pytest.mark.django_db


def test_writes_without_credentials_are_401_with_a_basic_challenge(client):
    response = client.post("/api/posts/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="Sampan API"')
    assert "application password" in response.json()["message"]


def test_a_signed_in_session_cannot_write(client):
    user, _ = writer("Administrator")
    client.force_login(user)
    assert client.post("/api/posts/", {"title": "x"}, content_type="application/json").status_code == 401
    assert client.delete(f"/api/posts/{make_post().pk}/").status_code == 401


def test_a_wrong_application_password_is_401_even_on_reads(client):
    user, _ = writer("Editor")
    response = client.get("/api/posts/", headers=basic(user.username, "not-it"))
    assert response.status_code == 401
    assert response.json() == {"message": "Incorrect username or application password."}
    assert client.get("/api/posts/", headers={"Authorization": "Bearer abc"}).status_code == 401


def test_the_account_login_password_is_not_an_application_password(client):
    user, _ = writer("Editor")
    assert client.get("/api/posts/", headers=basic(user.username, "pw")).status_code == 401


def test_too_many_failures_are_429_with_retry_after(client):
    user, good = writer("Editor")
    for _ in range(passwords.FAILURES_ALLOWED):
        assert client.get("/api/site/", headers=basic(user.username, "wrong")).status_code == 401
    response = client.get("/api/site/", headers=good)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "try again later" in response.json()["message"]


def test_lists_are_paged_with_total_and_link_headers(client):
    posts = [make_post(published_at=timezone.now() - timedelta(hours=n + 1)) for n in range(5)]
    first = client.get("/api/posts/?per_page=2")
    assert [p["id"] for p in first.json()] == [p.pk for p in posts[:2]]
    assert first.headers["X-Total-Count"] == "5" and first.headers["X-Total-Pages"] == "3"
    assert first.headers["Link"] == '<http://127.0.0.1:8000/api/posts/?page=2&per_page=2>; rel="next"'
    last = client.get("/api/posts/?per_page=2&page=3")
    assert [p["id"] for p in last.json()] == [posts[4].pk]
    assert last.headers["Link"] == '<http://127.0.0.1:8000/api/posts/?page=2&per_page=2>; rel="prev"'
    assert client.get("/api/posts/?per_page=2&page=9").json() == []


def test_per_page_is_capped_at_100(client):
    response = client.get("/api/posts/?per_page=101")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "per_page", "location": "query", "message": "Input should be less than or equal to 100"}
    ]


def test_date_category_and_search_filters(client):
    news = make_category("News")
    old = make_post("Harbour boats", published_at=local(2024, 3, 1), categories=[news])
    new = make_post("Mountain huts", published_at=local(2025, 6, 1))
    ids = lambda url: [p["id"] for p in client.get(url).json()]  # noqa: E731
    assert ids("/api/posts/?before=2025-01-01T00:00:00%2B13:00") == [old.pk]
    assert ids("/api/posts/?after=2025-01-01") == [new.pk]
    assert ids(f"/api/posts/?category={news.pk}") == [old.pk]
    assert ids("/api/posts/?search=harbour") == [old.pk]
    assert ids("/api/posts/?search=%2B%2B%2B") == []


def test_etag_and_if_none_match_give_304(client):
    make_post("Tagged")
    first = client.get("/api/posts/")
    etag = first.headers["ETag"]
    again = client.get("/api/posts/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    make_post("Another")
    assert client.get("/api/posts/", headers={"If-None-Match": etag}).status_code == 200


def test_api_answers_never_enter_the_anonymous_page_cache(client):
    make_post()
    for url in ("/api/posts/", "/api/site/", "/api/openapi.json", "/api/docs", "/api/categories/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in response.headers["Cache-Control"], url
        assert not hasattr(response, "sampan_page_cache"), url
        assert pagecache.CACHE_HEADER[0] not in response.headers


def test_validation_errors_name_each_bad_field(client):
    _, headers = writer("Editor")
    response = client.post(
        "/api/posts/",
        {"title": "x" * 301, "status": "gone", "date": "not a date", "colour": "red", "content": "a\x00b"},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"title", "status", "date", "colour", "content"}
    assert all(e["location"] == "body" and e["message"] for e in response.json()["errors"])


def test_dates_far_outside_the_calendar_are_refused(client):
    _, headers = writer("Editor")
    response = client.post("/api/posts/", {"date": "9999-12-31T23:59:59-14:00"}, content_type="application/json",
                           headers=headers)  # fmt: skip
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "date"


def test_malformed_json_is_400(client):
    _, headers = writer("Editor")
    response = client.post("/api/posts/", "{nope", content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"message": "Cannot parse request body"}


def test_unknown_and_out_of_range_ids(client):
    _, headers = writer("Editor")
    assert client.get("/api/posts/2147483647/").status_code == 404
    assert client.get("/api/posts/99999999999999999999/").status_code == 422
    response = client.post("/api/posts/", {"categories": [424242]}, content_type="application/json",
                           headers=headers)  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "categories", "location": "body", "message": "No such category: 424242."}
    ]


def test_old_dates_keep_a_whole_minute_offset(client):
    # Auckland kept local mean time (+11:39:04) until 1868; RFC 3339 offsets have no seconds.
    _, headers = writer("Editor")
    body = client.post("/api/posts/", {"date": "1385-11-17T03:47:04Z"}, content_type="application/json",
                       headers=headers).json()  # fmt: skip
    assert body["date"].endswith("+11:39")
    assert body["date_gmt"].startswith("1385-11-17T03:47:04")


def test_head_answers_like_get_without_a_body(client):
    make_post("Hello")
    got = client.get("/api/posts/")
    head = client.head("/api/posts/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["X-Total-Count"] == got["X-Total-Count"] == "1"


def test_an_address_under_api_that_names_nothing_is_a_json_404(client):
    response = client.get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
