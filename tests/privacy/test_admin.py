"""The admin: retention periods are edited on one screen, and its button writes the draft Privacy page."""

import pytest

from sampan.blog.models import Post
from sampan.core import retention
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client):
    client.force_login(make_user("owner", role="Administrator"))
    return client


def test_the_owner_changes_a_retention_period_in_the_admin(owner_client):
    page = owner_client.get("/admin/privacy/retentionsettings/", follow=True)
    assert page.status_code == 200 and "Create privacy page" in page.content.decode()
    form = {"spam_and_trash": 30, "client_hashes": 30, "raw_stats": "", "mention_requests": 60,
            "outbound_requests": 20}  # fmt: skip
    response = owner_client.post("/admin/privacy/retentionsettings/1/change/", form)
    assert response.status_code == 302
    assert retention.days("outbound_requests") == 20 and retention.days("mention_requests") == 60


def test_a_period_of_zero_days_is_refused_with_a_message(owner_client):
    owner_client.get("/admin/privacy/retentionsettings/", follow=True)
    form = {"spam_and_trash": 0, "client_hashes": 30, "mention_requests": 90, "outbound_requests": 90}
    response = owner_client.post("/admin/privacy/retentionsettings/1/change/", form)
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert retention.days("spam_and_trash") == 30


def test_the_button_writes_the_draft_page_and_opens_it(owner_client):
    response = owner_client.post("/admin/privacy/retentionsettings/privacy-page/")
    page = Post.objects.get(kind=Post.Kind.PAGE, slug="privacy")
    assert response.status_code == 302 and response["Location"] == f"/admin/blog/page/{page.pk}/change/"
    assert page.status == Post.Status.DRAFT
    followed = owner_client.get(response["Location"])
    assert "was written from the current settings" in followed.content.decode()


def test_the_button_is_for_post_requests_and_writers_only(client, owner_client):
    assert owner_client.get("/admin/privacy/retentionsettings/privacy-page/").status_code == 405
    reader = make_user("reader")
    client.force_login(reader)
    assert client.post("/admin/privacy/retentionsettings/privacy-page/").status_code == 302  # to the login
    assert not Post.objects.exists()
