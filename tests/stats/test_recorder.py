"""What the server counts as a reader's page view, and what it leaves out."""

import pytest

from sampan.core import pagecache
from sampan.core.pagecache import FastPathApp
from sampan.stats.models import View
from sampan.stats.recorder import view_counter, writer
from tests.factories import make_post, make_user

from .conftest import BROWSER, spooled_lines, visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_url() -> str:
    return make_post("Harbour lights").get_absolute_url()


def test_a_reader_view_is_spooled_not_written_to_the_database(app, post_url):
    assert visit(app, post_url).startswith("200")
    lines = spooled_lines()
    assert len(lines) == 1
    _day, kind, path, referrer, visitor, _source, _subscribers, country, count = lines[0]
    assert (kind, path, referrer, count) == ("p", post_url, "", "1")
    assert visitor  # a hash, for unique visitors
    assert country == ""  # no GeoIP database configured: no countries
    assert not View.objects.exists()  # no database write during the request


def test_pages_answered_from_the_page_cache_are_counted_too(app, post_url):
    visit(app, post_url)
    visit(app, post_url)
    assert len(spooled_lines()) == 2


def test_alike_views_noted_in_one_batch_are_one_line_with_their_count(app, post_url):
    for _ in range(3):
        visit(app, post_url, drain=False)
    visit(app, post_url, address="198.51.100.4", drain=False)
    writer.drain()
    lines = spooled_lines()
    assert sorted(line[-1] for line in lines) == ["1", "3"]
    assert len({line[4] for line in lines}) == 2  # two readers, two hashes


def test_a_browser_revalidating_its_copy_is_a_view_but_a_script_revalidating_is_not(app, post_url):
    visit(app, post_url)
    blob = pagecache._store().load(pagecache.page_key({"PATH_INFO": post_url}))
    etag = pagecache._decode(blob)[2]  # type: ignore[arg-type,index]
    assert visit(app, post_url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT="text/html,*/*").startswith("304")
    assert visit(app, post_url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT="*/*").startswith("304")
    assert len(spooled_lines()) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": None},
        {"HTTP_ACCEPT_LANGUAGE": None},
        {"HTTP_ACCEPT": None},
        {"HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_PURPOSE": "prefetch"},
        {"HTTP_SEC_PURPOSE": "prefetch;prerender"},
    ],
    ids=[
        "crawler",
        "http-library",
        "no-agent",
        "no-language",
        "no-accept",
        "sec-purpose",
        "purpose",
        "prerender",
    ],
)
def test_robots_and_prefetches_are_not_counted(app, post_url, headers):
    assert visit(app, post_url, **headers).startswith("200")
    assert spooled_lines() == []


@pytest.mark.parametrize("header", ["HTTP_SEC_GPC", "HTTP_DNT"])
def test_readers_asking_not_to_be_tracked_count_as_a_view_without_a_visitor_hash(app, post_url, header):
    visit(app, post_url, **{header: "1"})  # type: ignore[arg-type]
    [line] = spooled_lines()
    assert line[1] == "p" and line[4] == ""


def test_the_owner_signed_in_is_not_counted(app, post_url, client):
    owner = make_user("owner", role="Administrator")
    client.force_login(owner)
    session = client.cookies["sessionid"].value
    assert visit(app, post_url, HTTP_COOKIE=f"sessionid={session}").startswith("200")
    assert spooled_lines() == []


def test_a_signed_in_reader_who_is_not_staff_is_counted(app, post_url, client):
    client.force_login(make_user("reader"))
    visit(app, post_url, HTTP_COOKIE=f"sessionid={client.cookies['sessionid'].value}")
    assert len(spooled_lines()) == 1


def test_errors_admin_and_static_are_not_page_views(app):
    visit(app, "/no-such-page/")
    visit(app, "/admin/login/")
    visit(app, "/robots.txt")
    assert spooled_lines() == []


def test_a_form_posted_to_a_page_is_not_a_view_but_the_page_it_leads_to_is(app, post_url):
    # Whether a request was a page view is decided in the batch, not while the reader waits.
    visit(app, post_url, REQUEST_METHOD="POST", CONTENT_TYPE="application/x-www-form-urlencoded", drain=False)
    visit(app, post_url)
    [line] = spooled_lines()
    assert line[1] == "p" and line[-1] == "1"


def test_the_referring_site_is_kept_as_a_domain_only(app, post_url):
    visit(app, post_url, HTTP_REFERER="https://www.example.com/some/private/path?q=secret")
    visit(app, post_url, HTTP_REFERER="http://127.0.0.1:8000/")  # our own page: not a referrer
    assert [line[3] for line in spooled_lines()] == ["example.com", ""]


def test_feed_fetches_record_the_readers_own_subscriber_count(app):
    make_post("Harbour lights")
    visit(
        app, "/feed/", HTTP_USER_AGENT="Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1,234 subscribers; )"
    )
    [line] = spooled_lines()
    assert (line[1], line[5], line[6]) == ("f", "Feedly", "1234")


def test_counting_off_counts_nothing(app, post_url, settings):
    settings.STATS_ENABLED = False
    visit(FastPathApp(app.app, count=view_counter()), post_url)  # the page, from Django
    visit(FastPathApp(app.app, count=view_counter()), post_url)  # and from the page cache
    assert spooled_lines() == []


def test_behind_the_local_proxy_readers_are_told_apart_by_their_own_address(app, post_url):
    visit(app, post_url, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    visit(app, post_url, address="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    visit(app, post_url, address="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")  # not our proxy: ignored
    visit(app, post_url, address="203.0.113.5")
    hashes = [line[4] for line in spooled_lines()]
    assert len(set(hashes[:2])) == 2
    assert hashes[2] == hashes[3]


@pytest.mark.parametrize("referer", [None, "https://www.example.com/a/page"])
@pytest.mark.parametrize("forwarded", [None, "198.51.100.9"])
@pytest.mark.parametrize("rare", [{}, {"HTTP_DNT": "0"}, {"HTTP_ACCEPT_LANGUAGE": None}])
def test_every_mix_of_optional_headers_keeps_the_referrer_and_the_readers_own_address(
    app, post_url, referer, forwarded, rare
):
    # Requests are copied in a few ways, by which headers they have (recorder.SHAPES); each way must give the
    # same line. A reader without Accept-Language is not counted whatever else they send.
    visit(app, post_url, address="127.0.0.1", HTTP_REFERER=referer, HTTP_X_FORWARDED_FOR=forwarded, **rare)
    visit(app, post_url, address=forwarded or "127.0.0.1")  # the same reader, straight, with no referrer
    lines = spooled_lines()
    if "HTTP_ACCEPT_LANGUAGE" in rare:
        assert len(lines) == 1
        return
    first, second = lines
    assert first[3] == ("example.com" if referer else "")
    assert first[4] == second[4] != ""  # one reader: the proxy's address is not theirs


def test_a_feed_reader_revalidating_its_copy_is_counted_as_a_fetch(app):
    make_post("Harbour lights")
    feedly = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 1,234 subscribers; )"
    visit(app, "/feed/", HTTP_USER_AGENT=feedly)
    blob = pagecache._store().load(pagecache.page_key({"PATH_INFO": "/feed/"}))
    etag = pagecache._decode(blob)[2]  # type: ignore[arg-type,index]
    assert visit(app, "/feed/", HTTP_USER_AGENT=feedly, HTTP_IF_NONE_MATCH=etag).startswith("304")
    lines = spooled_lines()
    assert [(line[1], line[5], line[6]) for line in lines] == [("f", "Feedly", "1234")] * 2


def test_head_requests_are_not_views_whether_rendered_or_cached(app, post_url):
    assert visit(app, post_url, REQUEST_METHOD="HEAD").startswith("200")  # rendered by Django
    visit(app, post_url)  # a reader's view, which stores the page
    assert visit(app, post_url, REQUEST_METHOD="HEAD").startswith("200")  # from the page cache
    assert len(spooled_lines()) == 1


def test_pages_cached_by_an_older_sampan_are_rendered_again_not_misread(app, post_url):
    key = pagecache.page_key({"PATH_INFO": post_url})
    old = pagecache.marshal.dumps(("200 OK", [("Content-Type", "text/html")], '"x"', 2e9))  # no `served`
    pagecache._store().save(
        pagecache.current_generation(), key, len(old).to_bytes(4, "little") + old + b"stale"
    )
    assert visit(app, post_url).startswith("200")
    entry = pagecache._decode(pagecache._store().load(key))  # type: ignore[arg-type]
    assert entry is not None and b"Harbour lights" in entry[3]  # rendered afresh and stored in today's form
    assert len(spooled_lines()) == 1


def test_pages_django_answers_past_the_page_cache_are_counted_too(app, post_url):
    assert visit(app, "/", QUERY_STRING="s=harbour").startswith("200")  # a search: never from the page cache
    [line] = spooled_lines()
    assert (line[1], line[2]) == ("p", "/")


def test_requests_that_skip_the_servers_application_are_not_counted(client, post_url):
    assert client.get(post_url, HTTP_USER_AGENT=BROWSER, HTTP_ACCEPT="text/html").status_code == 200
    writer.drain()
    assert spooled_lines() == []
