import re

import pytest

from sampan.core import pagecache
from sampan.theme.models import Widget
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def _sidebar_titles(html: str) -> list[str]:
    aside = html.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'<h2 class="widget-title"[^>]*>([^<]+)</h2>', aside)


def test_a_fresh_site_shows_the_default_sidebar(client):
    titles = _sidebar_titles(client.get("/").text)
    default = ["Search", "Calendar", "Archives", "Categories", "Recent Posts"]
    assert titles == [*default, "Follow Blog via Email", "Blog Stats"]


def test_owner_reorders_renames_and_switches_off_widgets(client):
    Widget.objects.filter(kind="search").update(enabled=False)
    Widget.objects.filter(kind="recent_posts").update(position=1, title="Latest from the river")
    pagecache.invalidate()
    titles = _sidebar_titles(client.get("/").text)
    assert titles[0] == "Latest from the river"
    assert "Search" not in titles


def test_text_widget_keeps_links_and_drops_scripts(client):
    Widget.objects.create(
        kind="text",
        title="Badge",
        position=99,
        content='<a href="https://example.org/club" onclick="steal()">Member</a><script>alert(1)</script>'
        '<img src="javascript:alert(1)">',
    )
    pagecache.invalidate()
    html = client.get("/").text
    aside = html.split('<aside class="sidebar"', 1)[1]
    assert '<a href="https://example.org/club" rel="noopener">Member</a>' in aside
    assert "<script" not in aside
    assert "onclick" not in aside
    assert "javascript:" not in aside


def test_recent_posts_widget_updates_when_a_post_is_published(client):
    client.get("/")  # the sidebar is now cached
    make_post("Fresh from the market")
    aside = client.get("/").text.split('<aside class="sidebar"', 1)[1]
    assert "Fresh from the market" in aside


def test_widget_of_an_app_that_is_gone_is_skipped_not_an_error(client):
    Widget.objects.create(kind="no_longer_installed", position=0)
    pagecache.invalidate()
    response = client.get("/")
    assert response.status_code == 200
    assert _sidebar_titles(response.text)[0] == "Search"


def test_categories_widget_nests_sub_categories_under_their_parent(client):
    from tests.factories import make_category

    travel = make_category("Travel")
    rivers = make_category("Rivers", parent=travel)
    make_category("Empty")
    make_post("On the Mekong", categories=[rivers])
    aside = client.get("/").text.split('<aside class="sidebar"', 1)[1]
    widget = aside.split("widget_categories", 1)[1].split("</section>", 1)[0]
    assert widget.index(">Travel<") < widget.index(">Rivers<")
    assert 'class="depth-1"><a href="/category/travel/rivers/">Rivers</a>' in widget
    assert "Empty" not in widget  # no posts in it or below it


def test_calendar_on_a_post_shows_the_posts_month_like_wordpress(client):
    from tests.factories import local

    post = make_post("Old trip", published_at=local(2019, 8, 5))
    aside = client.get(post.get_absolute_url()).text.split('<aside class="sidebar"', 1)[1]
    assert "<caption>August 2019</caption>" in aside
    assert 'href="/2019/08/05/"' in aside


def test_browsers_asking_for_favicon_ico_get_the_theme_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert '<link rel="icon"' in client.get("/").text


def test_short_posts_in_lists_have_no_continue_reading_link_long_ones_do(client):
    make_post("Short", body="Just a few words.")
    make_post("Long", body=" ".join(["word"] * 80))
    html = client.get("/").text
    assert html.count("Continue reading") == 1
    assert 'Continue reading<span class="screen-reader-text"> “Long”' in html
