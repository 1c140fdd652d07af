"""REST API, followers: the public count is the widget's; only administrators list who follows."""

import pytest
from django.utils import timezone

from sampan.followers import services
from sampan.followers.models import Follower
from tests.api.test_rest_support import writer

pytestmark = pytest.mark.django_db


def _follower(email: str, status: str = Follower.Status.CONFIRMED, **fields) -> Follower:  # type: ignore[no-untyped-def]
    confirmed_at = timezone.now() if status == Follower.Status.CONFIRMED else None
    return Follower.objects.create(email=email, status=status, confirmed_at=confirmed_at, **fields)


def test_anyone_reads_the_count_the_follow_widget_shows(client):
    for n in range(3):
        _follower(f"reader{n}@example.org")
    _follower("waiting@example.org", status=Follower.Status.PENDING)
    _follower("gone@example.org", status=Follower.Status.UNSUBSCRIBED)
    response = client.get("/api/followers/count/")
    assert response.status_code == 200 and response.json() == {"count": 3}
    assert services.confirmed_count() == 3
    assert "Join 3 other followers" in client.get("/").content.decode()
    assert "example.org" not in response.content.decode()


def test_only_administrators_list_followers_with_their_addresses(client):
    _follower("ana@example.org", frequency=Follower.Frequency.WEEKLY)
    _follower("waiting@example.org", status=Follower.Status.PENDING)
    assert client.get("/api/followers/").status_code == 401
    for role in ("Author", "Editor"):
        _, headers = writer(role)
        refused = client.get("/api/followers/", headers=headers)
        assert refused.status_code == 403 and refused.json() == {
            "message": "Only administrators may list followers."
        }
    _, admin = writer("Administrator")
    listed = client.get("/api/followers/", headers=admin)
    assert listed.status_code == 200 and listed["X-Total-Count"] == "2"
    rows = {f["email"]: f for f in listed.json()}
    assert (
        rows["ana@example.org"]["status"] == "confirmed" and rows["ana@example.org"]["frequency"] == "weekly"
    )
    assert (
        rows["ana@example.org"]["confirmed"] is not None and rows["waiting@example.org"]["confirmed"] is None
    )
    pending = client.get("/api/followers/?status=pending", headers=admin).json()
    assert [f["email"] for f in pending] == ["waiting@example.org"]
    assert client.get("/api/followers/?status=maybe", headers=admin).status_code == 422
