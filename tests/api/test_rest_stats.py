"""REST API, stats: the public hit count is the Blog Stats widget's; editors read the dashboard's numbers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.stats import dashboard
from sampan.stats.models import Counter, View
from sampan.stats.rollup import roll_up
from sampan.stats.totals import set_starting_hits
from tests.api.test_rest_support import writer
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def test_anyone_reads_the_hit_count_the_widget_shows(client):
    Counter.objects.create(name="hits", value=995)
    set_starting_hits(hits=50_000)
    response = client.get("/api/stats/hits/")
    assert response.status_code == 200 and response.json() == {"hits": 50_995}
    assert "50,995 hits" in client.get("/").content.decode()


def _views(day, path: str, visitors: range, referrer: str = "") -> None:  # type: ignore[no-untyped-def]
    View.objects.bulk_create(View(day=day, path=path, visitor=v, referrer=referrer) for v in visitors)


def test_editors_read_views_visitors_top_posts_and_referrers_as_rolled_up(client):
    today = timezone.localdate()
    post = make_post("Harbour lights")
    url = post.get_absolute_url()
    _views(today, url, range(3), referrer="friend.example")
    _views(today, "/", range(2))
    _views(today - timedelta(days=3), url, range(4), referrer="google.com")
    _views(today - timedelta(days=20), "/", range(4))
    _views(today - timedelta(days=40), "/", range(7))
    roll_up(today=today)
    _, headers = writer("Editor")
    response = client.get("/api/stats/summary/", headers=headers)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["today"]["views"], body["today"]["visitors"]) == (5, 3)
    assert body["last_7_days"]["views"] == 9 and body["last_30_days"]["views"] == 13
    assert body["days"]["views"] == 13 and body["days"]["end"] == today.isoformat()
    assert body["top_posts"][0] == {"post": post.pk, "title": "Harbour lights", "path": url, "views": 7}
    assert body["referrers"] == [{"domain": "friend.example", "views": 3}]
    assert body["search_engines"] == [{"name": "Google", "views": 4}]
    # The same numbers as the owner's dashboard.
    board = dashboard.build(period="day", today=today)
    assert body["today"]["views"] == board.buckets[-1].views
    assert body["last_30_days"]["views"] == sum(b.views for b in board.buckets)
    assert body["total_hits"] == board.total_hits
    week = client.get("/api/stats/summary/?days=2", headers=headers).json()
    assert week["days"]["views"] == 5 and week["search_engines"] == []
    year = client.get("/api/stats/summary/?days=366", headers=headers).json()
    assert year["days"]["views"] == 20
    for bad in ("0", "367", "many"):
        refused = client.get(f"/api/stats/summary/?days={bad}", headers=headers)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "days"


def test_only_editors_and_administrators_read_the_summary(client):
    assert client.get("/api/stats/summary/").status_code == 401
    _, author = writer("Author")
    refused = client.get("/api/stats/summary/", headers=author)
    assert refused.status_code == 403 and "editors" in refused.json()["message"]
    _, admin = writer("Administrator")
    assert client.get("/api/stats/summary/", headers=admin).status_code == 200


def test_the_api_index_says_where_mentions_followers_and_stats_are(client):
    resources = client.get("/api/").json()["resources"]
    for name in ("mentions", "hits"):
        assert client.get(resources[name].removeprefix("http://127.0.0.1:8000")).status_code == 200
    for name in ("followers", "stats"):
        assert client.get(resources[name].removeprefix("http://127.0.0.1:8000")).status_code == 401
