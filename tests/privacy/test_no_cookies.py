"""A reader who only reads gets no cookie; one who acts (comments, follows, likes) needs no cookie first.

Every public GET below is made by a browser with no cookies at all, and must answer without `Set-Cookie` (which
also keeps each page cacheable). The public forms are then posted the way a browser posts a same-origin form on
a first visit, with CSRF checks on and no cookie: they work, and a cross-site post of the same form is refused.
"""

import pytest
from django.test import Client

from sampan.likes.models import Like
from tests.comments.test_views import form_data
from tests.factories import local, make_category, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"}


@pytest.fixture
def post(settings):
    settings.SITE_URL = "http://testserver"
    author = make_user("lan")
    post = make_post(
        "A quiet morning", author=author, published_at=local(2025, 6, 3), body="Fog on the river.",
        categories=[make_category("Rivers")], tags=[make_tag("Boats")],
    )  # fmt: skip
    make_post("About", author=author, kind="page", body="Who we are.")
    return post


def browser() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize(
    "path",
    [
        "/", "{post}", "/about/", "/2025/", "/2025/06/", "/2025/06/03/", "/category/rivers/", "/tag/boats/",
        "/author/lan/", "/?s=fog", "/?s=nothing", "/?m=202506", "/feed/", "/feed/atom/", "/comments/feed/",
        "{post}feed/", "/sitemap.xml", "/robots.txt", "/follow/", "/comments/your-data/", "/page/2/",
        "/no/such/page/",
    ],
)  # fmt: skip
def test_reading_sets_no_cookie(post, path):
    path = path.format(post=post.get_absolute_url())
    response = browser().get(path)
    assert response.status_code in (200, 301, 404)
    assert not response.cookies, f"{path} set {list(response.cookies)}"


def test_a_first_time_commenter_posts_without_any_cookie(post):
    form = form_data(post, comment="Lovely fog.")  # as the page's form sends it, with its anti-spam token
    response = browser().post("/comments/post/", form, headers=SAME_ORIGIN)
    assert response.status_code == 303
    assert post.comments.filter(body="Lovely fog.").exists()
    refused = browser().post("/comments/post/", {**form, "comment": "From elsewhere"}, headers=CROSS_SITE)
    assert refused.status_code == 403 and not post.comments.filter(body="From elsewhere").exists()


def test_a_first_time_follower_asks_without_any_cookie(post, mailoutbox):
    response = browser().post("/follow/", {"email": "new@example.org"}, headers=SAME_ORIGIN)
    assert response.status_code in (200, 302)
    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    browser().post("/follow/", {"email": "other@example.org"}, headers=CROSS_SITE)
    assert len(mailoutbox) == 1


def test_a_first_time_reader_likes_without_any_cookie_and_only_then_gets_one(post):
    response = browser().post(f"/likes/{post.pk}/", {}, headers=SAME_ORIGIN)
    assert response.status_code in (200, 302, 303)
    assert Like.objects.filter(post=post).count() == 1
    assert "sampan_liker" in response.cookies
    browser().post(f"/likes/{post.pk}/", {}, headers=CROSS_SITE)
    assert Like.objects.filter(post=post).count() == 1
