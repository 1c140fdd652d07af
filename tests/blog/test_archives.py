"""Archives, paging, legacy WordPress links, protected and private posts, pages: what a reader browses."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from sampan.blog import services
from sampan.blog.models import Post
from sampan.blog.protection import COOKIE_PREFIX
from sampan.core import pagecache
from sampan.core.models import SiteSettings
from tests.factories import local, make_category, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    """The post titles a listing shows, top to bottom."""
    assert response.status_code == 200, response.status_code
    return re.findall(r'class="entry-title p-name"[^>]*><a [^>]*>([^<]*)</a>', response.text)


def older_link(response) -> str | None:
    found = re.search(r'class="next" rel="next" href="([^"]*)"', response.text)
    return found.group(1).replace("&amp;", "&") if found else None


def newer_link(response) -> str | None:
    found = re.search(r'class="prev" rel="prev" href="([^"]*)"', response.text)
    return found.group(1).replace("&amp;", "&") if found else None


def posts_per_page(n: int) -> None:
    SiteSettings.objects.filter(pk=SiteSettings.load().pk).update(posts_per_page=n)
    pagecache.invalidate()


# Date archives


def test_year_archive_lists_posts_of_the_local_year(client):
    make_post("New year just begun", published_at=local(2024, 1, 1, 0, 30))  # 2023 in UTC
    make_post("Old year ending", published_at=local(2023, 12, 31, 23, 30))
    make_post("Mid year", published_at=local(2024, 6, 1))
    assert titles(client.get("/2024/")) == ["Mid year", "New year just begun"]
    assert titles(client.get("/2023/")) == ["Old year ending"]


def test_month_archive_lists_posts_of_the_local_month(client):
    make_post("First of March", published_at=local(2024, 3, 1, 0, 30))  # 29 February in UTC
    make_post("Leap day", published_at=local(2024, 2, 29, 23, 59))
    make_post("Last of March", published_at=local(2024, 3, 31, 23, 59))
    response = client.get("/2024/03/")
    assert titles(response) == ["Last of March", "First of March"]
    assert "Monthly Archives: March 2024" in response.text
    assert titles(client.get("/2024/02/")) == ["Leap day"]


def test_day_archive_lists_posts_of_the_local_day(client):
    make_post("Just after midnight", published_at=local(2024, 3, 2, 0, 30))  # 1 March in UTC
    make_post("Just before midnight", published_at=local(2024, 3, 1, 23, 30))
    response = client.get("/2024/03/02/")
    assert titles(response) == ["Just after midnight"]
    assert "Daily Archives: March 2, 2024" in response.text
    assert titles(client.get("/2024/03/01/")) == ["Just before midnight"]


def test_december_archive_ends_at_the_new_year(client):
    make_post("Christmas", published_at=local(2023, 12, 25))
    make_post("New year", published_at=local(2024, 1, 1, 0, 5))
    assert titles(client.get("/2023/12/")) == ["Christmas"]


def test_date_archives_leave_out_drafts_scheduled_private_posts_and_pages(client):
    make_post("Shown", published_at=local(2024, 3, 5))
    make_post("Draft", status="draft", published_at=local(2024, 3, 6))
    make_post("Private", status="private", published_at=local(2024, 3, 7))
    make_post("A page", kind="page", published_at=local(2024, 3, 8))
    assert titles(client.get("/2024/03/")) == ["Shown"]
    soon = timezone.now() + timedelta(days=3)
    make_post("Scheduled", published_at=soon)
    local_soon = timezone.localtime(soon)
    assert "Scheduled" not in titles(client.get(f"/{local_soon:%Y/%m}/"))


def test_impossible_dates_are_not_found(client):
    assert client.get("/2024/02/30/").status_code == 404
    assert client.get("/2024/13/").status_code == 404
    assert client.get("/2024/00/").status_code == 404


# Category, tag and author archives


def test_category_archive_includes_posts_of_child_categories(client):
    boats = make_category("Boats")
    sampans = make_category("Sampans", parent=boats)
    junks = make_category("Junks", parent=sampans)
    weather = make_category("Weather")
    make_post("About boats", categories=[boats], published_at=local(2024, 3, 1))
    make_post("About sampans", categories=[sampans], published_at=local(2024, 3, 2))
    make_post("About junks", categories=[junks], published_at=local(2024, 3, 3))
    make_post("In both", categories=[boats, sampans], published_at=local(2024, 3, 4))
    make_post("About rain", categories=[weather], published_at=local(2024, 3, 5))
    assert titles(client.get("/category/boats/")) == [
        "In both",
        "About junks",
        "About sampans",
        "About boats",
    ]
    assert titles(client.get("/category/boats/sampans/")) == ["In both", "About junks", "About sampans"]
    assert "Category: Sampans" in client.get("/category/boats/sampans/").text


def test_category_archive_at_a_wrong_parent_path_redirects_to_the_canonical_one(client):
    boats = make_category("Boats")
    sampans = make_category("Sampans", parent=boats)
    make_category("Weather")
    make_post("About sampans", categories=[sampans])
    for wrong in ("/category/sampans/", "/category/weather/sampans/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == "/category/boats/sampans/"
    assert client.get("/category/nothing/").status_code == 404


def test_category_redirect_keeps_the_page_number(client):
    sampans = make_category("Sampans", parent=make_category("Boats"))
    make_post("About sampans", categories=[sampans])
    response = client.get("/category/sampans/page/2/")
    assert response.status_code == 301
    assert response["Location"] == "/category/boats/sampans/page/2/"


def test_category_archive_page_announces_its_feed(client):
    boats = make_category("Boats")
    make_post("About boats", categories=[boats])
    html = client.get("/category/boats/").text
    assert (
        '<link rel="alternate" type="application/rss+xml" title="Category: Boats Feed" href="/category/boats/feed/">'
        in html
    )


def test_tag_archive_lists_only_posts_with_that_tag(client):
    river, sea = make_tag("river"), make_tag("sea")
    make_post("On the river", tags=[river], published_at=local(2024, 3, 1))
    make_post("At sea", tags=[sea], published_at=local(2024, 3, 2))
    make_post("Draft on the river", tags=[river], status="draft")
    response = client.get("/tag/river/")
    assert titles(response) == ["On the river"]
    assert "Tag: river" in response.text
    assert client.get("/tag/lake/").status_code == 404


def test_author_archive_lists_only_that_authors_live_posts(client):
    mei = make_user("mei", first_name="Mei", last_name="Ling")
    other = make_user("other")
    make_post("Mei writes", author=mei, published_at=local(2024, 3, 1))
    make_post("Mei drafts", author=mei, status="draft")
    make_post("Someone else", author=other, published_at=local(2024, 3, 2))
    response = client.get("/author/mei/")
    assert titles(response) == ["Mei writes"]
    assert "Author: Mei Ling" in response.text
    assert client.get("/author/nobody/").status_code == 404


def test_author_archive_of_a_deactivated_author_is_not_found(client):
    gone = make_user("gone")
    make_post("Old words", author=gone)
    gone.is_active = False
    gone.save()
    assert client.get("/author/gone/").status_code == 404


# Home page and paging


def test_home_page_shows_newest_posts_first_and_no_pages_or_drafts(client):
    make_post("Older", published_at=local(2024, 3, 1))
    make_post("Newer", published_at=local(2024, 3, 2))
    make_post("About", kind="page")
    make_post("Unfinished", status="draft")
    make_post("Tomorrow", published_at=timezone.now() + timedelta(days=1))
    assert titles(client.get("/")) == ["Newer", "Older"]


def test_sticky_posts_come_first_on_the_home_page_only(client):
    make_post("Old but sticky", sticky=True, published_at=local(2024, 1, 1))
    make_post("Fresh", published_at=local(2024, 1, 5))
    home = client.get("/")
    assert titles(home) == ["Old but sticky", "Fresh"]
    assert "sticky-label" in home.text
    assert titles(client.get("/2024/01/")) == ["Fresh", "Old but sticky"]


def test_home_is_paged_by_the_sites_posts_per_page(client):
    posts_per_page(2)
    for day in range(1, 6):
        make_post(f"Day {day}", published_at=local(2024, 3, day))
    first = client.get("/")
    assert titles(first) == ["Day 5", "Day 4"]
    assert older_link(first) == "/page/2/"
    assert newer_link(first) is None
    second = client.get("/page/2/")
    assert titles(second) == ["Day 3", "Day 2"]
    assert older_link(second) == "/page/3/"
    assert newer_link(second) == "/"
    last = client.get("/page/3/")
    assert titles(last) == ["Day 1"]
    assert older_link(last) is None
    assert newer_link(last) == "/page/2/"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [("/page/1/", "/"), ("/2024/03/page/1/", "/2024/03/"), ("/page/1/?s=day", "/?s=day"), ("/page/01/", "/")],
)
def test_first_page_of_a_listing_has_one_address(client, url, canonical):
    make_post("Day 1", published_at=local(2024, 3, 1))
    response = client.get(url)
    assert response.status_code == 301
    assert response["Location"] == canonical


def test_a_page_beyond_the_last_is_not_found(client):
    posts_per_page(2)
    for day in range(1, 4):
        make_post(f"Day {day}", published_at=local(2024, 3, day))
    assert client.get("/page/2/").status_code == 200
    assert client.get("/page/3/").status_code == 404
    assert client.get("/page/0/").status_code == 404
    assert client.get("/2024/03/page/3/").status_code == 404


def test_month_archive_paging_links_stay_in_the_archive(client):
    posts_per_page(1)
    for day in (1, 2, 3):
        make_post(f"Day {day}", published_at=local(2024, 3, day))
    first = client.get("/2024/03/")
    assert older_link(first) == "/2024/03/page/2/"
    middle = client.get("/2024/03/page/2/")
    assert titles(middle) == ["Day 2"]
    assert older_link(middle) == "/2024/03/page/3/"
    assert newer_link(middle) == "/2024/03/"


def test_category_archive_paging_links_keep_the_full_category_path(client):
    posts_per_page(1)
    sampans = make_category("Sampans", parent=make_category("Boats"))
    for day in (1, 2):
        make_post(f"Day {day}", categories=[sampans], published_at=local(2024, 3, day))
    first = client.get("/category/boats/sampans/")
    assert older_link(first) == "/category/boats/sampans/page/2/"
    second = client.get("/category/boats/sampans/page/2/")
    assert titles(second) == ["Day 1"]
    assert newer_link(second) == "/category/boats/sampans/"


def test_search_result_paging_links_keep_the_query(client):
    posts_per_page(1)
    for day in (1, 2, 3):
        make_post(f"Harbour {day}", published_at=local(2024, 3, day))
    first = client.get("/", {"s": "harbour"})
    assert older_link(first) == "/page/2/?s=harbour"
    second = client.get("/page/2/", {"s": "harbour"})
    assert titles(second) == ["Harbour 2"]
    assert older_link(second) == "/page/3/?s=harbour"
    assert newer_link(second) == "/?s=harbour"


def test_search_with_wordpress_paged_parameter_links_to_the_right_pages(client):
    posts_per_page(1)
    for day in (1, 2, 3):
        make_post(f"Harbour {day}", published_at=local(2024, 3, day))
    second = client.get("/", {"s": "harbour", "paged": "2"})
    assert titles(second) == ["Harbour 2"]
    assert newer_link(second) == "/?s=harbour"
    assert older_link(second) == "/page/3/?s=harbour"


# WordPress's other links


def test_query_string_category_id_redirects_to_the_category_archive(client):
    sampans = make_category("Sampans", parent=make_category("Boats"))
    response = client.get("/", {"cat": sampans.pk})
    assert response.status_code == 301
    assert response["Location"] == "/category/boats/sampans/"
    assert client.get("/", {"cat": sampans.pk + 1000}).status_code == 404


@pytest.mark.parametrize(
    ("m", "target"), [("2024", "/2024/"), ("202403", "/2024/03/"), ("20240302", "/2024/03/02/")]
)
def test_query_string_month_redirects_to_the_date_archive(client, m, target):
    response = client.get("/", {"m": m})
    assert response.status_code == 301
    assert response["Location"] == target


def test_query_string_page_id_redirects_to_the_page(client):
    about = make_post("About", kind="page")
    response = client.get("/", {"page_id": about.pk})
    assert response.status_code == 301
    assert response["Location"] == "/about/"


def test_post_name_link_redirects_to_the_dated_permalink(client):
    make_post("Hello river", published_at=local(2024, 3, 2))
    response = client.get("/hello-river/")
    assert response.status_code == 301
    assert response["Location"] == "/2024/03/02/hello-river/"


def test_post_name_link_of_a_draft_is_not_found(client):
    make_post("Not yet", status="draft")
    assert client.get("/not-yet/").status_code == 404


def test_post_with_a_non_latin_slug_is_served_at_its_permalink(client):
    post = make_post("Café on the quay", published_at=local(2024, 3, 2))
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Café on the quay" in response.text


# Pages


def test_pages_live_at_their_parent_path(client):
    about = make_post("About", kind="page", body="We row.")
    make_post("Our boat", kind="page", parent=about, body="It is red.")
    assert "We row." in client.get("/about/").text
    assert "It is red." in client.get("/about/our-boat/").text
    assert client.get("/our-boat/").status_code == 404
    assert client.get("/about/our-boat/extra/").status_code == 404


def test_draft_page_is_not_shown_to_readers(client):
    make_post("Plans", kind="page", status="draft")
    assert client.get("/plans/").status_code == 404


def test_published_pages_appear_in_the_site_navigation(client):
    make_post("About", kind="page")
    make_post("Hidden", kind="page", status="draft")
    html = client.get("/").text
    assert '<a href="/about/">About</a>' in html
    assert "Hidden" not in html


# Password-protected posts


def protected_post() -> Post:
    return make_post(
        "Locked box",
        password="sesame",
        body="The treasure is under the jetty.",
        published_at=local(2024, 3, 2),
    )


def test_password_protected_post_shows_the_password_form_not_the_text(client):
    post = protected_post()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert "Protected: Locked box" in response.text
    assert 'name="post_password"' in response.text
    assert "treasure" not in response.text
    assert "no-store" in response["Cache-Control"]


def test_wrong_password_shows_an_error_and_keeps_nothing(client):
    post = protected_post()
    response = client.post(post.get_absolute_url(), {"post_password": "open please"})
    assert response.status_code == 403
    assert "That password is not right" in response.text
    assert "treasure" not in response.text
    assert "open please" not in response.text
    assert not [name for name in response.cookies if name.startswith(COOKIE_PREFIX)]
    assert "treasure" not in client.get(post.get_absolute_url()).text


def test_right_password_unlocks_the_post_with_a_signed_cookie(client):
    post = protected_post()
    response = client.post(post.get_absolute_url(), {"post_password": "sesame"})
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    cookie = response.cookies[f"{COOKIE_PREFIX}{post.pk}"]
    assert cookie["httponly"]
    assert "sesame" not in cookie.value
    unlocked = client.get(post.get_absolute_url())
    assert "The treasure is under the jetty." in unlocked.text
    assert "no-store" in unlocked["Cache-Control"]


def test_unlocking_works_through_the_real_form_with_csrf_checks(db):
    browser = Client(enforce_csrf_checks=True)
    post = protected_post()
    form = browser.get(post.get_absolute_url())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    response = browser.post(
        post.get_absolute_url(), {"post_password": "sesame", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert "treasure" in browser.get(post.get_absolute_url()).text


def test_a_forged_unlock_cookie_does_not_open_the_post(client):
    post = protected_post()
    client.cookies[f"{COOKIE_PREFIX}{post.pk}"] = "anything"
    assert "treasure" not in client.get(post.get_absolute_url()).text


@pytest.mark.parametrize(("days_ago", "still_open"), [(9, True), (11, False)])
def test_an_unlock_lasts_ten_days(client, monkeypatch, days_ago, still_open):
    post = protected_post()
    then = int(time.time()) - days_ago * 86400
    with monkeypatch.context() as past:
        past.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(then))
        client.post(post.get_absolute_url(), {"post_password": "sesame"})
    assert ("treasure" in client.get(post.get_absolute_url()).text) is still_open


def test_changing_the_password_locks_readers_out_again(client):
    post = protected_post()
    client.post(post.get_absolute_url(), {"post_password": "sesame"})
    post.password = "new secret"
    services.save_post(post, previous_status=post.status)
    assert "treasure" not in client.get(post.get_absolute_url()).text


def test_one_posts_cookie_does_not_unlock_another(client):
    first = protected_post()
    second = make_post("Other box", password="sesame", body="Pearls inside.", published_at=local(2024, 3, 3))
    client.post(first.get_absolute_url(), {"post_password": "sesame"})
    assert "Pearls" not in client.get(second.get_absolute_url()).text


def test_listings_do_not_show_a_protected_posts_text(client):
    protected_post()
    html = client.get("/").text
    assert "Locked box" in html
    assert "treasure" not in html
    assert "This content is password protected." in html


def test_protected_page_asks_for_the_password_too(client):
    make_post("Members", kind="page", password="oar", body="Meeting at dawn.")
    assert "Meeting at dawn" not in client.get("/members/").text
    client.post("/members/", {"post_password": "oar"})
    assert "Meeting at dawn" in client.get("/members/").text


# Private posts


def test_private_post_is_hidden_from_anonymous_readers(client):
    post = make_post("Diary", status="private", body="Dear diary.", published_at=local(2024, 3, 2))
    assert client.get("/2024/03/02/diary/").status_code == 404
    assert client.get("/", {"p": post.pk}).status_code == 404
    assert client.get("/diary/").status_code == 404
    assert "Diary" not in client.get("/").text
    assert "Diary" not in client.get("/2024/03/").text


def test_private_post_is_shown_to_an_administrator(client):
    make_post("Diary", status="private", body="Dear diary.", published_at=local(2024, 3, 2))
    client.force_login(make_user("boss", role="Administrator"))
    response = client.get("/2024/03/02/diary/")
    assert response.status_code == 200
    assert "Dear diary." in response.text
    assert "no-store" in response["Cache-Control"]


# Single posts


def test_post_page_shows_its_local_publication_date(client):
    post = make_post("Late night", published_at=local(2024, 3, 2, 0, 30))  # 1 March in UTC
    html = client.get(post.get_absolute_url()).text
    assert "March 2, 2024" in html
    assert 'datetime="2024-03-02T00:30:00+13:00"' in html


def test_post_page_links_to_the_neighbouring_live_posts(client):
    first = make_post("First", published_at=local(2024, 3, 1))
    make_post("Draft between", status="draft", published_at=local(2024, 3, 2))
    make_post("Private between", status="private", published_at=local(2024, 3, 2, 13))
    middle = make_post("Middle", published_at=local(2024, 3, 3))
    last = make_post("Last", published_at=local(2024, 3, 4))
    html = client.get(middle.get_absolute_url()).text
    assert f'class="nav-previous" rel="prev" href="{first.get_absolute_url()}"' in html
    assert f'class="nav-next" rel="next" href="{last.get_absolute_url()}"' in html
    assert "between" not in html
    assert "nav-previous" not in client.get(first.get_absolute_url()).text
    assert "nav-next" not in client.get(last.get_absolute_url()).text


def test_category_and_tag_with_non_latin_slugs_are_served(client):
    cafe = make_category("Café")
    tea = make_tag("茶")
    make_post("Morning", categories=[cafe], tags=[tea])
    assert titles(client.get(cafe.get_absolute_url())) == ["Morning"]
    assert titles(client.get(tea.get_absolute_url())) == ["Morning"]


def test_tag_and_author_archives_page_like_the_home_page(client):
    posts_per_page(1)
    mei = make_user("mei")
    oars = make_tag("oars")
    for day in (1, 2):
        make_post(f"Day {day}", author=mei, tags=[oars], published_at=local(2024, 3, day))
    for base in ("/tag/oars/", "/author/mei/"):
        assert older_link(client.get(base)) == f"{base}page/2/"
        second = client.get(f"{base}page/2/")
        assert titles(second) == ["Day 1"]
        assert newer_link(second) == base
        assert client.get(f"{base}page/3/").status_code == 404


def test_a_newly_published_post_appears_as_the_next_link_of_the_previous_one(client):
    first = make_post("First", published_at=local(2024, 3, 1))
    assert "nav-next" not in client.get(first.get_absolute_url()).text
    second = make_post("Second", published_at=local(2024, 3, 2))
    assert f'href="{second.get_absolute_url()}"' in client.get(first.get_absolute_url()).text


def test_an_edited_post_shows_its_new_words_at_once(client):
    post = make_post("Before", body="Old words.", published_at=local(2024, 3, 1))
    assert "Old words." in client.get(post.get_absolute_url()).text
    post.body = "New words."
    services.save_post(post, previous_status=post.status)
    html = client.get(post.get_absolute_url()).text
    assert "New words." in html
    assert "Old words." not in html
    assert "New words." in client.get("/").text
