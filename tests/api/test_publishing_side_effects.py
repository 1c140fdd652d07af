"""Publishing through either API does everything publishing does elsewhere: followers get their mail, the
cached pages refresh."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sampan.core import pagecache
from sampan.followers.models import Follower
from tests.api.test_rest_support import writer as rest_writer
from tests.api.xmlrpc_helpers import call, result_of, writer

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower():
    return Follower.objects.create(
        email="reader@example.org",
        status=Follower.Status.CONFIRMED,
        confirmed_at=timezone.now() - timedelta(days=1),
    )


def mailed_titles() -> list[str]:
    return [message.subject for message in mail.outbox if "reader@example.org" in message.to]


def test_a_post_published_from_a_blogging_app_is_mailed_to_followers(
    client, follower, django_capture_on_commit_callbacks
):
    user, password = writer("ana")
    before = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        result_of(
            call(
                client,
                "metaWeblog.newPost",
                "1",
                user.username,
                password,
                {"title": "Upriver", "description": "News from the boat."},
                True,
            )
        )
    assert any("Upriver" in subject for subject in mailed_titles())
    assert pagecache.current_generation() != before


def test_a_draft_from_a_blogging_app_is_mailed_to_nobody(
    client, follower, django_capture_on_commit_callbacks
):
    user, password = writer("ana")
    with django_capture_on_commit_callbacks(execute=True):
        result_of(
            call(
                client,
                "metaWeblog.newPost",
                "1",
                user.username,
                password,
                {"title": "Not yet", "description": "Draft."},
                False,
            )
        )
    assert mailed_titles() == []


def test_a_post_published_through_rest_is_mailed_to_followers(
    client, follower, django_capture_on_commit_callbacks
):
    _, headers = rest_writer("Author")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/posts/",
            {"title": "Downriver", "content": "Text", "status": "publish"},
            content_type="application/json",
            headers=headers,
        )
    assert response.status_code == 201
    assert any("Downriver" in subject for subject in mailed_titles())
