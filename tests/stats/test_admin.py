"""The owner's dashboard: numbers per day, week and month, top posts, referrers, feeds, likes; CSV; charts."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.followers.models import Follower
from sampan.likes import services as likes
from sampan.stats.models import DailyFeed, DailyPage, DailyReferrer, DailyViews
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

URL = "/admin/stats/dailyviews/"


@pytest.fixture
def owner_client(client):
    client.force_login(make_user("owner", role="Administrator"))
    return client


@pytest.fixture
def numbers():
    today = timezone.localdate()
    post = make_post("Harbour lights")
    DailyViews.objects.create(day=today, views=40, visitors=12, feed_subscribers=130)
    DailyViews.objects.create(day=today - timedelta(days=1), views=7, visitors=3)
    DailyPage.objects.create(day=today, path=post.get_absolute_url(), post=post, views=33, visitors=10)
    DailyReferrer.objects.create(day=today, domain="friend.example", views=5)
    DailyReferrer.objects.create(day=today, domain="duckduckgo.com", search_engine="DuckDuckGo", views=4)
    DailyFeed.objects.create(day=today, source="Feedly", subscribers=128)
    DailyFeed.objects.create(day=today, source="", subscribers=2)
    likes.like_post(post=post, token="a")
    Follower.objects.create(
        email="f@example.org", status=Follower.Status.CONFIRMED, confirmed_at=timezone.now()
    )
    return today


def test_the_dashboard_shows_views_visitors_posts_referrers_feeds_likes_and_followers(owner_client, numbers):
    page = owner_client.get(URL).text
    assert "<svg" in page and 'role="img"' in page  # charts drawn on the server
    row = page.split(f'<th scope="row">{numbers.strftime("%b %-d")}</th>', 1)[1].split("</tr>", 1)[0]
    assert row == "<td>40</td><td>12</td><td>130</td><td>1</td><td>1</td>"  # … likes, new followers
    assert "Harbour lights</a></td><td>33</td>" in page
    assert "<td>friend.example</td><td>5</td>" in page
    assert "<td>DuckDuckGo</td><td>4</td>" in page
    assert "<td>Feedly</td><td>128</td>" in page and "Readers fetching directly</td><td>2</td>" in page
    main = page.split('id="content-main"', 1)[1]
    assert (
        "<script" not in main and "<style" not in main and "style=" not in main
    )  # CSP: only the site's files


def test_weeks_and_months_add_up_their_days(owner_client, numbers):
    yesterday = numbers - timedelta(days=1)
    for period, together in (("week", numbers.weekday() > 0), ("month", yesterday.month == numbers.month)):
        page = owner_client.get(URL, {"period": period}).text
        expected = "<td>47</td><td>15</td>" if together else "<td>40</td><td>12</td>"
        assert expected in page, period


def test_the_csv_export_has_a_row_per_period(owner_client, numbers):
    reply = owner_client.get(URL + "export.csv", {"period": "day"})
    assert reply["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(reply.content.decode())))
    assert rows[0] == [
        "period",
        "start",
        "end",
        "views",
        "visitors",
        "feed subscribers",
        "Likes",
        "New followers",
    ]
    assert len(rows) == 31
    assert rows[-1][1:] == [numbers.isoformat(), numbers.isoformat(), "40", "12", "130", "1", "1"]


def test_an_unknown_period_is_a_clear_400(owner_client):
    reply = owner_client.get(URL, {"period": "fortnight"})
    assert reply.status_code == 400
    assert "use day, week or month" in reply.text


def test_readers_cannot_see_the_stats(client):
    client.force_login(make_user("reader"))
    assert client.get(URL).status_code == 302
    assert client.get(URL + "export.csv").status_code == 302
