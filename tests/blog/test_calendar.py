"""The sidebar calendar and the monthly archive list, as a reader sees them (site time zone: Auckland)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from sampan.blog.calendar import MonthLink, calendar_for_month, months_with_posts
from tests.factories import local, make_post

pytestmark = pytest.mark.django_db


def numbers(cal) -> list[list[int]]:
    return [[day.number for day in week] for week in cal.weeks]


def linked_days(cal) -> dict[int, str]:
    return {day.number: day.url for week in cal.weeks for day in week if day.url}


def test_calendar_grid_starts_weeks_on_monday_with_blanks_before_the_first():
    cal = calendar_for_month(2024, 3)  # 1 March 2024 was a Friday
    assert numbers(cal)[0] == [0, 0, 0, 0, 1, 2, 3]
    assert numbers(cal)[-1] == [25, 26, 27, 28, 29, 30, 31]
    assert cal.weekday_names[0] == ("M", "Monday")
    assert [initial for initial, _ in cal.weekday_names] == ["M", "T", "W", "T", "F", "S", "S"]
    assert cal.caption == "March 2024"


def test_calendar_grid_has_blanks_after_the_last_day_of_a_leap_february():
    cal = calendar_for_month(2024, 2)  # 29 February 2024 was a Thursday
    assert numbers(cal)[-1] == [26, 27, 28, 29, 0, 0, 0]
    assert all(len(week) == 7 for week in cal.weeks)


def test_calendar_links_only_days_with_posts_to_their_day_archive():
    make_post("Tide", published_at=local(2024, 3, 5))
    make_post("Second tide", published_at=local(2024, 3, 5, 18))
    make_post("Wind", published_at=local(2024, 3, 21))
    cal = calendar_for_month(2024, 3)
    assert linked_days(cal) == {5: "/2024/03/05/", 21: "/2024/03/21/"}
    counts = {day.number: day.post_count for week in cal.weeks for day in week if day.number}
    assert counts[5] == 2
    assert counts[21] == 1
    assert counts[6] == 0


def test_calendar_marks_today():
    cal = calendar_for_month(2024, 3, today=date(2024, 3, 14))
    todays = [day.number for week in cal.weeks for day in week if day.is_today]
    assert todays == [14]


def test_calendar_previous_link_skips_months_without_posts():
    make_post("January", published_at=local(2024, 1, 10))
    make_post("March", published_at=local(2024, 3, 10))
    march = calendar_for_month(2024, 3)
    assert march.previous == MonthLink(2024, 1)
    assert march.previous.label == "Jan"
    assert march.previous.url == "/2024/01/"


def test_calendar_next_link_skips_months_without_posts():
    make_post("January", published_at=local(2024, 1, 10))
    make_post("March", published_at=local(2024, 3, 10))
    january = calendar_for_month(2024, 1)
    assert january.next == MonthLink(2024, 3)
    assert january.next.label == "Mar"
    assert january.next.url == "/2024/03/"


def test_calendar_of_an_empty_month_between_posts_links_both_ways():
    make_post("November", published_at=local(2023, 11, 30))
    make_post("February", published_at=local(2024, 2, 2))
    december = calendar_for_month(2023, 12)
    assert december.previous == MonthLink(2023, 11)
    assert december.next == MonthLink(2024, 2)
    assert linked_days(december) == {}


def test_calendar_has_no_next_link_past_the_last_month_with_posts():
    make_post("January", published_at=local(2024, 1, 10))
    make_post("March", published_at=local(2024, 3, 10))
    assert calendar_for_month(2024, 3).next is None
    assert calendar_for_month(2024, 1).previous is None
    assert calendar_for_month(2024, 6).next is None
    assert calendar_for_month(2024, 6).previous == MonthLink(2024, 3)


def test_calendar_ignores_scheduled_posts_drafts_private_posts_and_pages():
    make_post("Published", published_at=local(2024, 3, 10))
    make_post("Draft", status="draft", published_at=local(2024, 3, 11))
    make_post("Draft later", status="draft", published_at=local(2024, 5, 11))
    make_post("Private", status="private", published_at=local(2024, 3, 12))
    make_post("About", kind="page", published_at=local(2024, 3, 13))
    make_post("Private later", status="private", published_at=local(2024, 6, 1))
    future = timezone.now() + timedelta(days=40)
    scheduled = make_post("Scheduled", published_at=future)
    assert scheduled.status == "future"

    assert linked_days(calendar_for_month(2024, 3)) == {10: "/2024/03/10/"}
    assert calendar_for_month(2024, 3).next is None
    later = timezone.localtime(future)
    assert linked_days(calendar_for_month(later.year, later.month)) == {}
    this_month = timezone.localdate()
    assert calendar_for_month(this_month.year, this_month.month).next is None


def test_post_half_an_hour_into_the_first_counts_in_the_local_month_not_the_utc_one():
    # 00:30 on 1 March in Auckland is 11:30 on 29 February in UTC.
    make_post("Just after midnight", published_at=local(2024, 3, 1, 0, 30))
    march, february = calendar_for_month(2024, 3), calendar_for_month(2024, 2)
    assert linked_days(march) == {1: "/2024/03/01/"}
    assert linked_days(february) == {}
    assert february.next == MonthLink(2024, 3)
    assert march.previous is None


def test_post_late_on_the_last_day_in_utc_counts_in_the_next_local_month():
    # 23:30 on 31 March UTC is 12:30 on 1 April in Auckland.
    make_post("Tomorrow already", published_at=local(2024, 4, 1, 12, 30))
    assert linked_days(calendar_for_month(2024, 4)) == {1: "/2024/04/01/"}
    assert linked_days(calendar_for_month(2024, 3)) == {}
    assert calendar_for_month(2024, 3).next == MonthLink(2024, 4)


def test_months_with_posts_counts_live_posts_per_local_month_newest_first():
    make_post("a", published_at=local(2024, 1, 10))
    make_post("b", published_at=local(2024, 1, 31, 23, 50))
    make_post("c", published_at=local(2024, 3, 1, 0, 30))
    make_post("d", published_at=local(2023, 12, 24))
    make_post("draft", status="draft", published_at=local(2024, 2, 1))
    make_post("page", kind="page", published_at=local(2024, 2, 2))
    assert months_with_posts() == [
        (MonthLink(2024, 3), 1),
        (MonthLink(2024, 1), 2),
        (MonthLink(2023, 12), 1),
    ]
    assert MonthLink(2023, 12).full_label == "December 2023"


def test_months_with_posts_is_empty_on_a_new_blog():
    assert months_with_posts() == []


@pytest.mark.parametrize(("year", "month"), [(1, 1), (9999, 12)])
def test_calendar_of_the_first_and_last_representable_months_does_not_fail(year, month):
    make_post("Now")
    cal = calendar_for_month(year, month)
    assert cal.caption.endswith(str(year))
    assert linked_days(cal) == {}


def test_month_archive_sidebar_calendar_shows_the_archives_month(client):
    make_post("January", published_at=local(2024, 1, 10))
    make_post("March", published_at=local(2024, 3, 10))
    html = client.get("/2024/01/").text
    assert "<caption>January 2024</caption>" in html
    assert 'href="/2024/01/10/"' in html
    assert 'class="calendar-next" href="/2024/03/"' in html
    assert "Mar »" in html
    assert "calendar-prev" not in html


def test_day_archive_sidebar_calendar_shows_the_days_month(client):
    make_post("January", published_at=local(2024, 1, 10))
    make_post("March", published_at=local(2024, 3, 10))
    html = client.get("/2024/03/10/").text
    assert "<caption>March 2024</caption>" in html
    assert 'class="calendar-prev" href="/2024/01/"' in html
    assert "« Jan" in html


def test_home_page_sidebar_calendar_shows_the_current_local_month(client):
    post = make_post("Today", published_at=timezone.now() - timedelta(seconds=1))
    today = timezone.localtime(post.published_at).date()
    html = client.get("/").text
    assert f"<caption>{today:%B %Y}</caption>" in html
    assert f'href="/{today:%Y/%m/%d}/"' in html


def test_archives_widget_lists_months_with_counts(client):
    make_post("a", published_at=local(2024, 1, 10))
    make_post("b", published_at=local(2024, 1, 12))
    html = client.get("/").text
    assert '<a href="/2024/01/">January 2024</a>&nbsp;(2)' in html
