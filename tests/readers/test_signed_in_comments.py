"""Commenting signed in: the form knows the reader, the comment carries their name, website and picture, the
owner's blocks and moderation apply, and pages stay the same for everyone else."""

import io
import sys
import time

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from sampan.comments import guard
from sampan.comments.models import Comment
from sampan.core.pagecache import FastPathApp
from sampan.readers import services
from sampan.readers.models import Block, Reader, SignInSettings
from tests.factories import make_post

pytestmark = pytest.mark.django_db

FORM_URL = "/comments/post/"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def post():
    return make_post("On rivers")


def make_reader(method="indieauth", subject="https://ann.example/", name="Ann of the River"):
    return services.reader_for_identity(
        method=method, issuer="https://auth.example/", subject=subject, display_name=name, profile_url=subject
    )


def comment_form(post, **fields):
    token = signing.dumps(
        {"post": post.pk, "at": int(time.time() - 60)}, salt=guard.TOKEN_SALT, compress=True
    )
    return {
        "comment": "Lovely.",
        "comment_post_ID": str(post.pk),
        "comment_parent": "0",
        guard.TOKEN_FIELD: token,
        **fields,
    }


def test_a_guest_is_offered_to_sign_in_and_come_back_to_the_form(client, post):
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'href="/accounts/login/?next={post.get_absolute_url()}%23respond"' in page
    assert "Sign in to comment" in page
    assert 'id="author"' in page
    assert not client.cookies


def test_a_signed_in_reader_sees_who_they_are_and_no_name_or_email_fields(client, post):
    client.get(post.get_absolute_url())  # a guest's visit first: what is cached must not leak into theirs
    client.force_login(make_reader())
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Signed in as <strong>Ann of the River</strong>" in page
    assert "Sign out</a>" in page and 'href="/accounts/you/"' in page
    assert 'id="author"' not in page and 'id="email"' not in page
    assert "Sign in to comment" not in page


def test_a_readers_comment_carries_their_name_website_and_avatar(client, post):
    user = make_reader()
    user.reader.avatar.save("ann.png", ContentFile(b"\x89PNG fake"), save=True)
    client.force_login(user)
    assert client.post(FORM_URL, comment_form(post), headers=SAME_ORIGIN).status_code == 303
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.author_url) == (
        user,
        "Ann of the River",
        "https://ann.example/",
    )
    comment.status = Comment.Status.APPROVED
    comment.save()
    client.logout()
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'src="{user.reader.avatar.url}"' in page
    assert 'href="https://ann.example/" class="url"' in page


def test_a_readers_first_comment_is_held_like_anyones(client, post):
    client.force_login(make_reader())
    client.post(FORM_URL, comment_form(post), headers=SAME_ORIGIN)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert "First comment from this reader." in comment.moderation_reasons


def test_a_reader_with_an_approved_comment_is_published_at_once(client, post):
    user = make_reader()
    client.force_login(user)
    client.post(FORM_URL, comment_form(post), headers=SAME_ORIGIN)
    Comment.objects.update(status=Comment.Status.APPROVED)
    client.post(FORM_URL, comment_form(post, comment="Again."), headers=SAME_ORIGIN)
    assert Comment.objects.get(body="Again.").status == Comment.Status.APPROVED


def test_a_method_the_owner_trusts_publishes_a_first_comment_at_once(client, post):
    SignInSettings.objects.create(pk=1, trust_indieauth=True)
    client.force_login(make_reader())
    client.post(FORM_URL, comment_form(post), headers=SAME_ORIGIN)
    assert Comment.objects.get().status == Comment.Status.APPROVED


def test_trusting_one_method_does_not_trust_another(client, post):
    SignInSettings.objects.create(pk=1, trust_fediverse=True)
    client.force_login(make_reader())
    client.post(FORM_URL, comment_form(post), headers=SAME_ORIGIN)
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_signed_in_reader_blocked_after_signing_in_cannot_comment(client, post):
    client.force_login(make_reader())
    Block.objects.create(kind=Block.Kind.DOMAIN, value="ann.example")
    response = client.post(FORM_URL, comment_form(post, comment="Let me in."), headers=SAME_ORIGIN)
    assert response.status_code == 403
    page = response.content.decode()
    assert "does not take sign-ins or comments from ann.example" in page
    assert "Let me in." in page  # what they typed is not lost
    assert not Comment.objects.exists()
    assert Reader.objects.count() == 1


def serve(app, path, cookie=""):
    """One request through the production stack (the page cache's fast path around Django)."""
    head: list = []
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr, **({"HTTP_COOKIE": cookie} if cookie else {}),
    }  # fmt: skip
    chunks = app(environ, lambda status, headers, exc_info=None: head.extend([status, dict(headers)]))
    body = b"".join(chunks).decode()
    getattr(chunks, "close", lambda: None)()
    return head[1], body


def test_a_signed_in_reader_is_never_served_the_cached_guest_page(client, post, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    # As Django's test client does: closing connections between requests would end the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = FastPathApp(WSGIHandler())
        serve(app, post.get_absolute_url())
        headers, guest_page = serve(app, post.get_absolute_url())
        assert headers.get("X-Sampan-Cache") == "hit" and "Sign in to comment" in guest_page
        client.force_login(make_reader())
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        headers, page = serve(
            app, post.get_absolute_url(), cookie=f"{settings.SESSION_COOKIE_NAME}={session}"
        )
        assert headers.get("X-Sampan-Cache") != "hit"
        assert "Signed in as <strong>Ann of the River</strong>" in page
        assert "Sign in to comment" not in page
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_an_email_reader_is_asked_once_for_the_name_their_comments_show(client, post):
    user = services.make_email_reader("jane.doe.1985@example.org")
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Your name, shown with your comments" in page
    assert "Signed in as <strong>jane.doe.1985@example.org</strong>" in page  # only they see this line

    refused = client.post(FORM_URL, comment_form(post, comment="First!"), headers=SAME_ORIGIN)
    assert refused.status_code == 400 and "Please give your name." in refused.content.decode()
    assert "First!" in refused.content.decode() and not Comment.objects.exists()

    client.post(FORM_URL, comment_form(post, author="Jane"), headers=SAME_ORIGIN)
    comment = Comment.objects.get()
    assert comment.author_name == "Jane" and "jane.doe" not in comment.author_name
    page = client.get(post.get_absolute_url()).content.decode()
    assert 'id="author"' not in page and "Signed in as <strong>Jane</strong>" in page
