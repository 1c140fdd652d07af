"""A reader finds their way around a small blog with a real browser, by roles and labels as a screen reader would.

The blog has posts in January and March of last year and none in February, so the sidebar calendar must step
from March straight back to January. Every page visited asks nothing of any other origin (tests/e2e/conftest.py).
"""

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sampan.blog.models import Post
from tests.factories import local, make_category, make_post, make_tag, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@dataclass
class SmallBlog:
    year: int
    river_trip: Post  # 5 January, Travel, child Rivers
    winter: Post  # 20 January, Travel
    market: Post  # 14 March, Travel, child Rivers
    mango: Post  # 28 March, Cooking

    def month(self, number: int) -> str:
        return date(self.year, number, 1).strftime("%B %Y")


@pytest.fixture
def blog() -> SmallBlog:
    year = timezone.localdate().year - 1
    author = make_user("mai", first_name="Mai", last_name="Tran")
    travel = make_category("Travel")
    rivers = make_category("Rivers", parent=travel)
    cooking = make_category("Cooking")
    boats, markets = make_tag("Boats"), make_tag("Markets")
    river_trip = make_post(
        "Rowing upstream", author=author, published_at=local(year, 1, 5, 9), categories=[travel, rivers],
        tags=[boats], body="Two days against the current, sleeping on the boat under a roof of palm leaves.",
    )  # fmt: skip
    winter = make_post(
        "Winter on the delta", author=author, published_at=local(year, 1, 20), categories=[travel],
        body="Cool mornings, mist on the water, and the first mangoes nowhere in sight.",
    )  # fmt: skip
    market = make_post(
        "Floating market at dawn", author=author, published_at=local(year, 3, 14, 6), categories=[rivers],
        tags=[markets, boats], body="Pineapples and coffee passed from boat to boat before sunrise.",
    )  # fmt: skip
    mango = make_post(
        "Mango season", author=author, published_at=local(year, 3, 28), categories=[cooking], tags=[markets],
        body="Mango with sticky rice and salted coconut cream: the one dessert worth the trip.",
    )  # fmt: skip
    about = make_post("About", author=author, kind=Post.Kind.PAGE, body="We write about slow boats.")
    make_post(
        "Our boat",
        author=author,
        kind=Post.Kind.PAGE,
        parent=about,
        body="Flat-bottomed, rowed from the stern.",
    )
    return SmallBlog(year, river_trip, winter, market, mango)


def sidebar(page: Page):
    return page.get_by_role("complementary", name="Sidebar")


def test_reader_goes_from_home_through_calendar_and_category_to_search(
    page: Page, site_url, blog, request_log
):
    page.goto(site_url + "/")
    expect(page).to_have_title(re.compile("My Sampan Blog"))
    main = page.get_by_role("main")
    expect(main.get_by_role("article")).to_have_count(4)
    # The calendar shows this month, which has no posts: « offers the latest month that has some.
    expect(sidebar(page).get_by_role("link", name=f"previous month, {blog.month(3)}")).to_contain_text(
        "« Mar"
    )
    request_log.assert_same_origin()

    main.get_by_role("link", name="Mango season", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Mango season")).to_be_visible()
    expect(page).to_have_url(site_url + blog.mango.get_absolute_url())
    request_log.assert_same_origin()

    # On a post the calendar shows the post's month; February has no posts, so « skips it.
    calendar = sidebar(page).get_by_role("table", name=blog.month(3))
    expect(calendar.get_by_role("link")).to_have_count(2)
    previous = sidebar(page).get_by_role("link", name=f"previous month, {blog.month(1)}")
    expect(previous).to_contain_text("« Jan")
    expect(sidebar(page).get_by_role("link", name=re.compile("February"))).to_have_count(0)
    previous.click()
    expect(page.get_by_role("heading", level=1, name=f"Monthly Archives: {blog.month(1)}")).to_be_visible()
    expect(page).to_have_url(f"{site_url}/{blog.year}/01/")
    expect(page.get_by_role("main").get_by_role("article")).to_have_count(2)
    expect(sidebar(page).get_by_role("table", name=blog.month(1))).to_be_visible()
    expect(sidebar(page).get_by_role("link", name=f"next month, {blog.month(3)}")).to_contain_text("Mar »")
    request_log.assert_same_origin()

    sidebar(page).get_by_role("link", name=f"Posts published on January 5, {blog.year}").click()
    expect(
        page.get_by_role("heading", level=1, name=f"Daily Archives: January 5, {blog.year}")
    ).to_be_visible()
    articles = page.get_by_role("main").get_by_role("article")
    expect(articles).to_have_count(1)
    expect(articles.get_by_role("heading", name="Rowing upstream")).to_be_visible()
    request_log.assert_same_origin()

    # The child category's archive lives under its parent's path.
    articles.get_by_role("link", name="Rivers", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Category: Rivers")).to_be_visible()
    expect(page).to_have_url(site_url + "/category/travel/rivers/")
    listed = page.get_by_role("main").get_by_role("article")
    expect(listed.get_by_role("heading", level=2)).to_have_text(
        ["Floating market at dawn", "Rowing upstream"]
    )
    request_log.assert_same_origin()

    search = sidebar(page).get_by_role("search")
    search.get_by_role("searchbox", name="Search for:").fill("sticky rice")
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1, name="Search Results for: sticky rice")).to_be_visible()
    found = page.get_by_role("main").get_by_role("article")
    expect(found.get_by_role("heading", level=2)).to_have_text(["Mango season"])
    found.get_by_role("link", name="Mango season", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Mango season")).to_be_visible()


def test_calendar_day_without_posts_is_not_a_link(page: Page, site_url, blog):
    page.goto(f"{site_url}/{blog.year}/01/")
    calendar = sidebar(page).get_by_role("table", name=blog.month(1))
    expect(calendar.get_by_role("link")).to_have_count(2)
    expect(calendar.get_by_role("cell", name="6", exact=True)).to_have_count(1)


def test_pages_menu_leads_to_a_page_and_its_child(page: Page, site_url, blog):
    page.goto(site_url + "/")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="About").click()
    expect(page.get_by_role("heading", level=1, name="About")).to_be_visible()
    page.goto(site_url + "/about/our-boat/")
    expect(page.get_by_role("heading", level=1, name="Our boat")).to_be_visible()


def test_tag_link_under_a_post_lists_its_posts(page: Page, site_url, blog):
    page.goto(site_url + blog.market.get_absolute_url())
    page.get_by_role("article").get_by_role("link", name="Boats", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Tag: Boats")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("article")).to_have_count(2)


@pytest.mark.parametrize(
    "where",
    ["home", "post", "page", "month archive", "day archive", "category archive", "tag archive", "search",
     "search with no results"],
)  # fmt: skip
def test_reader_pages_pass_axe(page: Page, site_url, blog, axe_check, where):
    paths = {
        "home": "/",
        "post": blog.market.get_absolute_url(),
        "page": "/about/",
        "month archive": f"/{blog.year}/03/",
        "day archive": f"/{blog.year}/01/05/",
        "category archive": "/category/travel/rivers/",
        "tag archive": "/tag/markets/",
        "search": "/?s=boat",
        "search with no results": "/?s=submarine",
    }
    page.goto(site_url + paths[where])
    axe_check(page)


def test_missing_page_is_friendly_searchable_and_passes_axe(page: Page, site_url, blog, axe_check):
    response = page.goto(site_url + "/no/such/thing/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("can\u2019t be found")
    search = page.get_by_role("main").get_by_role("search")
    search.get_by_role("searchbox", name="Search for:").fill("coconut")
    axe_check(page)
    search.get_by_role("button", name="Search").click()
    expect(page.get_by_role("main").get_by_role("article").get_by_role("heading", level=2)).to_have_text(
        ["Mango season"]
    )


@pytest.mark.parametrize("where", ["home", "post"])
def test_narrow_phone_screen_needs_no_sideways_scrolling(page: Page, site_url, blog, where):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(site_url + ("/" if where == "home" else blog.market.get_absolute_url()))
    overflow = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
            return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10)};
        }"""
    )
    assert overflow["scroll"] <= overflow["width"], f"the page scrolls sideways at 375px: {overflow}"


def test_screenshots_of_home_and_post(page: Page, site_url, blog, tmp_path_factory):
    """Pictures for a person to look at (SAMPAN_SCREENSHOT_DIR keeps them somewhere known)."""
    folder = Path(os.environ.get("SAMPAN_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    for width, suffix in ((1280, "desktop"), (375, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(site_url + "/")
        page.screenshot(path=folder / f"home-{suffix}.png", full_page=True)
        page.goto(site_url + blog.market.get_absolute_url())
        page.screenshot(path=folder / f"post-{suffix}.png", full_page=True)
    assert (folder / "home-desktop.png").stat().st_size > 0
