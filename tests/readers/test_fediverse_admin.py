"""The owner sees which instances Sampan registered with, never the client secret, and cannot edit one."""

import pytest

from sampan.readers.fediverse.models import FediverseApp
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_owner_sees_registrations_without_their_secret_and_may_delete_but_not_edit_one(client):
    app = FediverseApp.objects.create(
        instance="mastodon.example", client_id="the-client-id", client_secret="the-client-secret",
        scopes="profile", redirect_uri="https://blog.example/accounts/fediverse/callback/",
    )  # fmt: skip
    client.force_login(make_user("owner", role="Administrator"))
    listing = client.get("/admin/fediverse/fediverseapp/")
    assert listing.status_code == 200
    assert "mastodon.example" in listing.content.decode()
    detail = client.get(f"/admin/fediverse/fediverseapp/{app.pk}/change/").content.decode()
    assert "the-client-id" in detail
    assert "the-client-secret" not in detail
    assert 'type="submit" value="Save"' not in detail and 'name="_save"' not in detail
    assert client.get("/admin/fediverse/fediverseapp/add/").status_code == 403
    client.post(f"/admin/fediverse/fediverseapp/{app.pk}/delete/", {"post": "yes"})
    assert not FediverseApp.objects.exists()
