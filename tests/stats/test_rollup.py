"""Daily roll-ups: views, visitors, pages, referrers, search engines, feed subscribers; raw rows age out."""

from datetime import date, timedelta

import pytest

from sampan.stats import rollup
from sampan.stats.models import DailyFeed, DailyPage, DailyReferrer, DailyViews, View
from sampan.stats.rollup import roll_up
from tests.factories import make_post

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


def raw(day: date = DAY, path: str = "/", visitor: int | None = 1, **fields) -> View:  # type: ignore[no-untyped-def]
    return View.objects.create(day=day, path=path, visitor=visitor, **fields)


def test_a_day_rolls_up_into_views_visitors_pages_and_referrers():
    post = make_post("Harbour lights")
    url = post.get_absolute_url()
    raw(path=url, visitor=1, referrer="google.com")
    raw(path=url, visitor=1, referrer="google.co.nz")
    raw(path=url, visitor=2, referrer="friend.example")
    raw(path="/", visitor=None)
    roll_up(today=DAY)
    day = DailyViews.objects.get(day=DAY)
    assert (day.views, day.visitors, day.private_views) == (4, 2, 1)
    pages = {p.path: (p.views, p.visitors, p.post_id) for p in DailyPage.objects.all()}
    assert pages == {url: (3, 2, post.pk), "/": (1, 0, None)}
    referrers = {r.domain: (r.views, r.search_engine) for r in DailyReferrer.objects.all()}
    assert referrers == {
        "google.com": (1, "Google"),
        "google.co.nz": (1, "Google"),
        "friend.example": (1, ""),
    }


def test_a_row_of_alike_views_counts_all_its_views_and_its_reader_once():
    url = make_post("Harbour lights").get_absolute_url()
    raw(path=url, visitor=1, referrer="news.example", views=5)
    raw(path=url, visitor=2, referrer="news.example")
    raw(path=url, visitor=None, views=3)
    roll_up(today=DAY)
    day = DailyViews.objects.get(day=DAY)
    assert (day.views, day.visitors, day.private_views) == (9, 2, 3)
    assert DailyPage.objects.values_list("views", "visitors").get() == (9, 2)
    assert DailyReferrer.objects.values_list("domain", "views").get() == ("news.example", 6)


def test_feed_subscribers_add_each_services_own_count_and_direct_readers():
    feed: dict = {"kind": View.Kind.FEED, "path": "/feed/"}
    raw(**feed, visitor=10, source="Feedly", subscribers=120)
    raw(**feed, visitor=10, source="Feedly", subscribers=125)
    raw(**feed, visitor=11, source="Inoreader", subscribers=7)
    raw(**feed, visitor=20)
    raw(**feed, visitor=20)
    raw(**feed, visitor=21)
    roll_up(today=DAY)
    assert DailyViews.objects.get(day=DAY).feed_subscribers == 125 + 7 + 2
    assert dict(DailyFeed.objects.values_list("source", "subscribers")) == {
        "Feedly": 125,
        "Inoreader": 7,
        "": 2,
    }
    assert DailyViews.objects.get(day=DAY).views == 0  # feed fetches are not page views


def test_rolling_up_again_changes_nothing_and_new_views_update_their_day():
    raw(visitor=1)
    roll_up(today=DAY)
    roll_up(today=DAY)
    assert DailyViews.objects.get(day=DAY).views == 1
    raw(visitor=2)
    roll_up(today=DAY)
    assert (DailyViews.objects.get().views, DailyViews.objects.get().visitors) == (2, 2)
    assert DailyPage.objects.get().views == 2


def test_raw_views_are_deleted_after_the_retention_period_and_their_roll_ups_stay(settings):
    settings.STATS_RAW_DAYS = 7
    raw(day=DAY, visitor=1)
    raw(day=DAY + timedelta(days=6), visitor=1)
    roll_up(today=DAY + timedelta(days=6))
    report = roll_up(today=DAY + timedelta(days=8))
    assert report.raw_deleted == 1
    assert list(View.objects.values_list("day", flat=True)) == [DAY + timedelta(days=6)]
    assert DailyViews.objects.get(day=DAY).views == 1


def test_old_views_written_after_newer_ones_are_deleted_too_and_recent_ones_stay(settings, monkeypatch):
    settings.STATS_RAW_DAYS = 7
    monkeypatch.setattr(rollup, "PRUNE_BATCH", 2)  # several short batches
    for offset in (0, 0, 1, 1, 1, 8, 9):
        raw(day=DAY + timedelta(days=offset))
    raw(day=DAY)  # a late spool file: an old day's view with a newer id than the kept days' views
    report = roll_up(today=DAY + timedelta(days=9))
    assert report.raw_deleted == 6
    assert sorted(View.objects.values_list("day", flat=True)) == [
        DAY + timedelta(days=8),
        DAY + timedelta(days=9),
    ]
    assert DailyViews.objects.get(day=DAY).views == 3  # rolled up before the raw rows went


def test_nothing_refers_to_a_raw_view_so_deleting_rows_directly_leaves_nothing_dangling():
    assert View._meta.related_objects == ()
