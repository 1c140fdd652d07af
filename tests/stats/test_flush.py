"""The worker's batched write: spool files become rows and totals in one go; counters on pages refresh."""

import threading
import time

import pytest

from sampan.core import pagecache
from sampan.stats import flush, spool
from sampan.stats.flush import flush_spool
from sampan.stats.models import PostViews, StatsSettings, View
from sampan.stats.recorder import writer
from sampan.stats.totals import total_hits
from sampan.theme.models import Widget
from tests.factories import make_post

from .conftest import visit

pytestmark = pytest.mark.django_db


def test_a_flush_writes_every_spooled_view_in_one_batch_and_adds_to_the_totals(app):
    post = make_post("Harbour lights")
    for _ in range(3):
        visit(app, post.get_absolute_url())
    visit(app, "/")
    assert not View.objects.exists()
    report = flush_spool(grace=-1)
    assert (report.files, report.views, report.page_views) == (1, 4, 4)
    # The same reader's three views of the post are one row with their count; the home page is another.
    assert sorted(View.objects.values_list("path", "views")) == [("/", 1), (post.get_absolute_url(), 3)]
    assert total_hits() == 4
    assert PostViews.objects.get(post=post).views == 3
    assert spool.closed_files(grace=-1) == []  # files are gone once written
    assert flush_spool(grace=-1).views == 0  # and nothing is written twice


def test_views_share_a_row_only_when_alike_in_every_field(app):
    post_url = make_post("Harbour lights").get_absolute_url()
    for address in ("203.0.113.7", "203.0.113.7", "198.51.100.4"):
        visit(app, post_url, address=address)
    visit(app, post_url, address="203.0.113.7", HTTP_REFERER="https://news.example/item")
    flush_spool(grace=-1)
    rows = sorted(View.objects.values_list("referrer", "views"))
    assert rows == [
        ("", 1),
        ("", 2),
        ("news.example", 1),
    ]  # another reader, another referrer: rows of their own
    assert len(set(View.objects.values_list("visitor", flat=True))) == 2


def test_a_line_with_a_count_is_that_many_views_and_older_lines_are_one_each(app, _own_spool):
    post = make_post("Harbour lights")
    url = post.get_absolute_url()
    _own_spool.mkdir(parents=True, exist_ok=True)
    (_own_spool / "000000000001-1-counted.views").write_text(
        f"2026-03-10\tp\t{url}\t\tab\t\t\t\t40\n"  # a batch's forty alike views
        f"2026-03-10\tp\t{url}\t\tab\t\t\t\n"  # written before counts: one view
        f"2026-03-10\tp\t{url}\t\tcd\t\t\t\t0\n"  # no views is not a line
    )
    report = flush_spool(grace=-1)
    assert (report.views, report.skipped_lines) == (41, 1)
    assert View.objects.values_list("views", flat=True).get() == 41
    assert PostViews.objects.get(post=post).views == 41


def test_the_current_slot_waits_until_it_is_over(app):
    visit(app, make_post("Harbour lights").get_absolute_url())
    assert flush_spool().views == 0  # still being written to
    assert flush_spool(grace=-1).views == 1


def test_unreadable_lines_are_skipped_and_the_rest_is_kept(app, _own_spool):
    visit(app, make_post("Harbour lights").get_absolute_url())
    (_own_spool / "000000000001-1-broken.views").write_text(
        "garbage\nnot\tenough\n2024-13-40\tp\t/\t\t\t\t\n"
    )
    report = flush_spool(grace=-1)
    assert (report.views, report.skipped_lines) == (1, 3)


def test_the_starting_hit_count_adds_to_the_total(app):
    StatsSettings.objects.update_or_create(pk=1, defaults={"starting_hits": 50_000})
    pagecache.invalidate()
    visit(app, make_post("Harbour lights").get_absolute_url())
    flush_spool(grace=-1)
    assert total_hits() == 50_001


def test_counters_on_cached_pages_refresh_at_most_once_a_minute(app):
    post_url = make_post("Harbour lights").get_absolute_url()
    visit(app, post_url)
    before = pagecache.current_generation()
    flush_spool(grace=-1)
    after = pagecache.current_generation()
    assert after != before  # the Blog Stats widget is on show: cached pages start again
    writer.reset()  # the server is in a later slot by the time the worker takes one
    visit(app, post_url)
    flush_spool(grace=-1)
    assert pagecache.current_generation() == after  # too soon for another refresh
    flush._last_refresh[0] -= flush.REFRESH_SECONDS  # …until the interval is over:
    flush_spool(grace=-1)  # no new views, but the last ones are not on the pages yet
    assert pagecache.current_generation() != after


def test_nothing_is_refreshed_when_no_counter_is_on_show(app):
    Widget.objects.filter(kind="blog_stats").update(enabled=False)
    visit(app, make_post("Harbour lights").get_absolute_url())
    before = pagecache.current_generation()
    flush_spool(grace=-1)
    assert pagecache.current_generation() == before
    assert flush._last_refresh[0] == 0.0


def test_a_server_process_writes_waiting_views_to_its_spool_within_a_second(app):
    post_url = make_post("Harbour lights").get_absolute_url()
    visit(app, post_url, drain=False)  # the view waits in memory for the drain thread
    deadline = time.monotonic() + 10
    while not spool.closed_files(grace=-1) and time.monotonic() < deadline:
        threading.Event().wait(0.05)
    [written] = spool.closed_files(grace=-1)
    [line] = written.read_text().splitlines()
    assert line.split("\t")[1:3] == ["p", post_url]
