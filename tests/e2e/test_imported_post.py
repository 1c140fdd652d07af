"""After moving in from WordPress, a reader follows an old link and finds the post with its whole discussion."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sampan.porting.importer import Options, import_wxr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WXR = Path(__file__).resolve().parent.parent / "fixtures" / "wxr"


@pytest.fixture
def imported(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    import_wxr(WXR / "sampan-moving-in.xml", options=Options(media_from=WXR / "media"))


def test_an_old_wordpress_link_opens_the_post_with_its_threads_and_pingbacks(
    page: Page, site_url, imported, axe_check
):
    # The old blog was five hours behind UTC: its link has the previous day in it.
    page.goto(site_url + "/2019/03/09/down-the-river/")
    assert page.url == site_url + "/2019/03/10/down-the-river/"
    expect(page.get_by_role("heading", level=1, name="Down the river")).to_be_visible()
    expect(page.get_by_role("figure").filter(has_text="The river at dawn")).to_be_visible()

    carol = page.get_by_role("listitem").filter(has=page.get_by_role("article", name="Carol", exact=True))
    expect(carol.get_by_text("What a calm morning.")).to_be_visible()
    alice = carol.get_by_role("listitem").filter(has=page.get_by_role("article", name="Alice Boatwright"))
    expect(alice.get_by_text("Thank you, Carol!")).to_be_visible()  # a reply, inside Carol's thread
    expect(alice.get_by_role("article", name="Dan")).to_be_visible()  # and the reply to the reply, inside it

    expect(page.get_by_role("link", name="Other River Blog")).to_have_attribute(
        "href", "https://other.example.net/a-post/"
    )
    expect(page.get_by_text("Pingback:")).to_be_visible()
    expect(page.get_by_role("link", name="Paddle Weekly")).to_be_visible()
    expect(page.get_by_text("Buy now")).to_have_count(0)  # spam stays out of sight
    expect(page.get_by_text("Still waiting for approval.")).to_have_count(0)  # so does a held comment
    axe_check(page)


def test_old_query_string_links_reach_imported_pages(page: Page, site_url, imported):
    page.goto(site_url + "/?page_id=31")
    assert page.url == site_url + "/about/team/"
    expect(page.get_by_role("heading", level=1, name="Team")).to_be_visible()
