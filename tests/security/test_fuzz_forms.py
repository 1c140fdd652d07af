"""Made-up input at every public form and at the admin's sign-in: whatever is sent, the answer is a page or
a redirect, never a server error; nothing sent comes back as script; a refused form stores nothing.

(The comment form, XML-RPC, Webmention and Trackback have their own fuzz tests: tests/comments/test_fuzz.py,
tests/api/test_xmlrpc_fuzz.py, tests/mentions/test_fuzz.py.)"""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from hypothesis import given
from hypothesis import strategies as st

from sampan.followers.models import Follower
from sampan.likes.models import Like
from tests.factories import make_post, make_user
from tests.security.fuzz_support import EMAILISH, FUZZ, SAME_ORIGIN, TEXT, new_script

pytestmark = pytest.mark.django_db


@FUZZ
@given(email=EMAILISH, extra=st.dictionaries(st.sampled_from(["name", "csrfmiddlewaretoken", "x"]), TEXT))
def test_follow_form(client, email, extra):
    cache.clear()
    baseline = client.get("/follow/").content.decode()
    before, sent = Follower.objects.count(), len(mail.outbox)
    response = client.post("/follow/", {"email": email, **extra}, headers=SAME_ORIGIN)
    assert response.status_code in (200, 400)
    assert not new_script(response.content.decode(), baseline)
    if response.status_code == 400:
        assert Follower.objects.count() == before and len(mail.outbox) == sent
        assert "error" in response.content.decode().lower() or "address" in response.content.decode().lower()


@pytest.fixture
def post():
    return make_post("Likable")


@FUZZ
@given(
    name=TEXT,
    action=st.one_of(st.sampled_from(["like", "unlike", ""]), TEXT),
    accept=st.sampled_from(["text/html", "application/json"]),
    # A cookie arrives as latin-1 bytes; the test client would fail on other text before the site sees it.
    cookie=st.one_of(st.none(), TEXT.filter(lambda t: t.isascii() and t.isprintable() and ";" not in t)),
)
def test_like_form(client, post, name, action, accept, cookie):
    cache.clear()
    client.cookies.clear()
    if cookie is not None:
        client.cookies["sampan_liker"] = cookie
    baseline = client.get(post.get_absolute_url()).content.decode()
    before = Like.objects.count()
    response = client.post(
        f"/likes/{post.pk}/", {"name": name, "action": action}, headers={**SAME_ORIGIN, "Accept": accept}
    )
    assert response.status_code in (200, 303, 400)
    if response.status_code == 400:
        assert Like.objects.count() == before
    body = response.json()["html"] if accept == "application/json" and response.status_code == 200 else ""
    if response.status_code in (200, 400) and accept == "text/html":
        body = response.content.decode()
        assert not new_script(body, baseline)
    elif body:
        assert not new_script(f"<html><body>{body}</body></html>", baseline)
    shown = client.get(post.get_absolute_url()).content.decode()
    assert not new_script(shown, baseline)


@FUZZ
@given(email=EMAILISH)
def test_personal_data_request_form(client, email):
    cache.clear()
    baseline = client.get("/comments/your-data/").content.decode()
    sent = len(mail.outbox)
    response = client.post("/comments/your-data/", {"email": email}, headers=SAME_ORIGIN)
    assert response.status_code in (200, 400)
    assert not new_script(response.content.decode(), baseline)
    if response.status_code == 400:
        assert len(mail.outbox) == sent


@FUZZ
@given(username=TEXT, password=TEXT, next_url=st.one_of(TEXT, st.just("//evil.example/"), st.just("/admin/")))
def test_admin_sign_in_form(client, username, password, next_url):
    cache.clear()
    users = get_user_model().objects.count()
    baseline = client.get("/admin/login/").content.decode()
    response = client.post("/admin/login/", {"username": username, "password": password, "next": next_url})
    assert response.status_code == 200  # never signed in by made-up credentials
    assert "_auth_user_id" not in client.session
    assert not new_script(response.content.decode(), baseline)
    assert get_user_model().objects.count() == users


@FUZZ
@given(code=TEXT)
def test_two_step_code_form(client, code):
    from sampan.security import codes

    cache.clear()
    user = get_user_model().objects.filter(username="fuzz-admin").first() or make_user(
        "fuzz-admin", role="Administrator", password="right password"
    )
    if not codes.is_enrolled(user):
        codes.enrol(user, secret=codes.new_secret(), step=0)
    client.post("/admin/login/", {"username": "fuzz-admin", "password": "right password"})
    response = client.post("/admin/login/code/", {"code": code})
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # only a real code signs in, and made-up text is not one
        assert response["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session
    assert not new_script(response.content.decode(), "<html></html>") or response.status_code == 302
