"""No reader data leaves the server by default: no page asks another origin for anything, or is even set up to.

The request log (tests/e2e/conftest.py) fails a test on any request the browser makes to another origin. Here
each kind of HTML page is opened and left to settle, and its markup is searched for anything that would make a
browser reach out later or elsewhere (preconnect hints, scripts, frames, forms posting away). Feeds are not
HTML and are left out.
"""

import pytest
from playwright.sync_api import Page

from sampan.blog.models import Post
from tests.factories import local, make_category, make_post, make_tag, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Elements and attributes that make a browser fetch or send something (plain links only go where clicked).
FETCHING = """() => {
    const found = [];
    const check = (el, attr, value) => {
        for (const part of value.split(",")) {
            const url = part.trim().split(/\\s+/)[0];
            if (!url) continue;
            const origin = new URL(url, document.baseURI).origin;
            if (origin !== location.origin && origin !== "null") found.push(`<${el.tagName.toLowerCase()} ${attr}="${value}">`);
        }
    };
    const loading = ["stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload",
                     "manifest", "apple-touch-icon", "prerender"];
    for (const el of document.querySelectorAll("link[href]")) {
        if (el.relList && [...el.relList].some(r => loading.includes(r.toLowerCase()))) check(el, "href", el.getAttribute("href"));
    }
    for (const el of document.querySelectorAll("script[src], img[src], iframe[src], embed[src], source[src], video[src], audio[src], track[src], input[src]"))
        check(el, "src", el.getAttribute("src"));
    for (const el of document.querySelectorAll("img[srcset], source[srcset]")) check(el, "srcset", el.getAttribute("srcset"));
    for (const el of document.querySelectorAll("video[poster]")) check(el, "poster", el.getAttribute("poster"));
    for (const el of document.querySelectorAll("object[data]")) check(el, "data", el.getAttribute("data"));
    for (const el of document.querySelectorAll("form[action]")) check(el, "action", el.getAttribute("action"));
    for (const el of document.querySelectorAll("[style*='url(']")) found.push(`inline style with url(): ${el.outerHTML.slice(0, 120)}`);
    return found;
}"""


@pytest.fixture
def site() -> dict[str, str]:
    """A blog with one of everything a reader can open, and the path of each."""
    author = make_user("lan", first_name="Lan", last_name="Vo")
    rivers = make_category("Rivers", parent=make_category("Travel"))
    boats = make_tag("Boats")
    post = make_post(
        "A quiet morning", author=author, published_at=local(2025, 6, 3), categories=[rivers], tags=[boats],
        body="Fog on the river. A [link to elsewhere](https://example.com/) is only a link.",
    )  # fmt: skip
    make_post("Locked", author=author, published_at=local(2025, 6, 4), password="river")
    about = make_post("About", author=author, kind=Post.Kind.PAGE, body="Who we are.")
    make_post("Crew", author=author, kind=Post.Kind.PAGE, parent=about, body="Who rows.")
    return {
        "home": "/",
        "post": post.get_absolute_url(),
        "password-protected post": "/2025/06/04/locked/",
        "page": "/about/",
        "child page": "/about/crew/",
        "year archive": "/2025/",
        "month archive": "/2025/06/",
        "day archive": "/2025/06/03/",
        "category archive": "/category/travel/rivers/",
        "tag archive": "/tag/boats/",
        "author archive": "/author/lan/",
        "search results": "/?s=fog",
        "search without results": "/?s=nothing+like+this",
        "missing page": "/not/here/",
        "admin login": "/admin/login/",
    }


PAGES = [
    "home", "post", "password-protected post", "page", "child page", "year archive", "month archive",
    "day archive", "category archive", "tag archive", "author archive", "search results",
    "search without results", "missing page", "admin login",
]  # fmt: skip


@pytest.mark.parametrize("where", PAGES)
def test_page_asks_nothing_of_other_origins(page: Page, site_url, site, request_log, where):
    page.goto(site_url + site[where], wait_until="networkidle")
    request_log.assert_same_origin()
    assert page.evaluate(FETCHING) == [], f"{where} is set up to reach another origin"
    assert request_log.requests, "the request log saw nothing: is it listening?"


def test_unlocking_a_protected_post_stays_on_this_server(page: Page, site_url, site, request_log):
    page.goto(site_url + site["password-protected post"])
    page.get_by_label("Password:").fill("river")
    page.get_by_role("button", name="Enter").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1, name="Locked").is_visible()
    request_log.assert_same_origin()


def test_request_log_catches_a_foreign_request(page: Page, site_url, site, request_log):
    """The guard itself: a page that asks another origin for an image is caught (the request never leaves:
    it is answered here with an empty image)."""
    page.route("http://tracker.example/**", lambda route: route.fulfill(status=204))
    page.goto(site_url + "/")
    with page.expect_request("http://tracker.example/pixel.gif"):
        page.evaluate("() => { new Image().src = 'http://tracker.example/pixel.gif'; }")
    page.evaluate("() => 0")  # one more round trip, so the context's listener has had the event too
    assert request_log.foreign() == ["image http://tracker.example/pixel.gif"]
    request_log.requests.clear()  # caught on purpose: let the test end cleanly


def test_markup_check_catches_a_hint_to_another_origin(page: Page, site_url, site):
    page.goto(site_url + "/")
    page.evaluate(
        """() => {
            const hint = document.createElement("link");
            hint.rel = "preconnect";
            hint.href = "https://fonts.example";
            document.head.append(hint);
        }"""
    )
    assert page.evaluate(FETCHING) == ['<link href="https://fonts.example">']
