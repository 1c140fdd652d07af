"""Feeds, sitemap and robots.txt, read the way real consumers read them: feedparser, an XML parser, a crawler."""

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from django.conf import settings
from django.utils import timezone
from lxml import etree

from sampan.blog import discussion, feeds
from sampan.blog.models import Post
from sampan.core import pagecache
from sampan.core.models import SiteSettings
from tests.factories import local, make_category, make_post, make_tag, make_user

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


# A small feed checker for what feedparser forgives (missing ids, bad dates), proven on feedvalidator's cases.

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC2822 = re.compile(
    r"^(?:(?P<dow>Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|UT|GMT|[ECMP][SD]T|[A-IK-Z])$"
)
WARNINGS = {"MissingSelf", "DuplicateEntries"}


def _rfc3339(text: str | None) -> bool:
    return bool(text and RFC3339.match(text.strip()))


def _rfc2822(text: str | None) -> bool:
    match = RFC2822.match((text or "").strip())
    if not match:
        return False
    moment = parsedate_to_datetime(text)
    return match["dow"] is None or moment.strftime("%a") == match["dow"]


def _atom_problems(feed: etree._Element) -> set[str]:
    problems = set()
    for name in ("id", "title", "updated"):
        if feed.find(ATOM + name) is None:
            problems.add(f"MissingElement{{element:{name},parent:feed}}")
    if not any(link.get("rel") == "self" for link in feed.findall(ATOM + "link")):
        problems.add("MissingSelf{element:feed}")
    has_feed_author = feed.find(ATOM + "author") is not None
    ids = []
    for entry in feed.findall(ATOM + "entry"):
        for name in ("id", "title", "updated"):
            if entry.find(ATOM + name) is None:
                problems.add(f"MissingElement{{element:{name},parent:entry}}")
        if not has_feed_author and entry.find(ATOM + "author") is None:
            problems.add("MissingElement{element:author,parent:entry}")
        for name in ("published", "updated"):
            if any(not _rfc3339(el.text) for el in entry.findall(ATOM + name)):
                problems.add(f"InvalidRFC3339Date{{parent:entry,element:{name}}}")
        ids.append(entry.findtext(ATOM + "id"))
    if len(ids) != len(set(ids)):
        problems.add("DuplicateEntries")
    return problems


def _rss_problems(rss: etree._Element) -> set[str]:
    problems = set()
    if not rss.get("version"):
        problems.add("MissingAttribute{element:rss,attr:version}")
    channel = rss.find("channel")
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            problems.add(f"Missing{name.capitalize()}{{parent:channel,element:{name}}}")
    if not any(link.get("rel") == "self" for link in channel.findall(ATOM + "link")):
        problems.add("MissingSelf")
    for element in channel.iter("pubDate", "lastBuildDate"):
        if not _rfc2822(element.text):
            problems.add(f"InvalidRFC2822Date{{parent:{element.getparent().tag},element:{element.tag}}}")
    guids = [guid.text for guid in channel.iter("guid")]
    if len(guids) != len(set(guids)):
        problems.add("DuplicateValue{element:guid}")
    for item in channel.iter("item"):
        if item.find("title") is None and item.find("description") is None:
            problems.add("ItemMustContainTitleOrDescription")
    return problems


def feed_problems(xml: bytes) -> set[str]:
    root = etree.fromstring(xml, XML_PARSER)
    if root.tag == ATOM + "feed":
        return _atom_problems(root)
    if root.tag == "rss":
        return _rss_problems(root)
    return {f"UnknownFeedType{{element:{root.tag}}}"}


def _message(text: str) -> tuple[str, set[str]]:
    name, _, params = text.partition("{")
    return name, set(filter(None, params.rstrip("}").split(",")))


FEEDVALIDATOR_CASES = json.loads((FIXTURES / "INDEX.json").read_text())["cases"]


@pytest.mark.parametrize("case", FEEDVALIDATOR_CASES, ids=lambda case: case["file"])
def test_feed_checker_agrees_with_feedvalidator(case):
    problems = feed_problems((FIXTURES / case["file"]).read_bytes())
    errors = {p for p in problems if _message(p)[0] not in WARNINGS}
    expect = case["expect"]
    if expect.startswith(("!", "Valid")):
        assert errors == set()
    else:
        name, params = _message(expect)
        assert any(_message(p)[0] == name and params <= _message(p)[1] for p in problems), problems


# Reading Sampan's feeds


def read_feed(client, url: str) -> feedparser.FeedParserDict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert feed_problems(response.content) == set()
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def utc_tuple(moment: datetime) -> tuple[int, ...]:
    return tuple(moment.astimezone(UTC).timetuple()[:6])


def site_settings(**fields: object) -> None:
    SiteSettings.load()
    SiteSettings.objects.filter(pk=1).update(**fields)
    pagecache.invalidate()


@pytest.fixture
def mei():
    return make_user("mei", first_name="Mei", last_name="Ling")


@pytest.fixture
def river(mei):
    return make_post(
        "Fish & chips <by> the river",
        author=mei,
        body="We ate **hot chips** on the jetty.",
        published_at=local(2024, 3, 2, 0, 30),  # 1 March in UTC
    )


@pytest.mark.parametrize("url", ["/feed/", "/feed/rss2/", "/feed/atom/"])
def test_main_feed_items_carry_title_link_guid_author_and_date(client, river, url):
    parsed = read_feed(client, url)
    assert parsed.feed.title == SiteSettings.load().title
    [entry] = parsed.entries
    assert entry.title == "Fish & chips <by> the river"
    assert entry.link == "http://testserver/2024/03/02/fish-chips-by-the-river/"
    assert entry.id == f"{settings.SITE_URL}/?p={river.pk}"
    assert entry.author == "Mei Ling"
    assert tuple(entry.published_parsed[:6]) == utc_tuple(river.published_at) == (2024, 3, 1, 11, 30, 0)


def test_rss_guid_is_not_a_permalink_so_it_survives_a_changed_slug(client, river):
    entry = read_feed(client, "/feed/").entries[0]
    assert entry.guidislink is False
    river.slug = "renamed"
    river.save()
    pagecache.invalidate()
    renamed = read_feed(client, "/feed/").entries[0]
    assert renamed.id == entry.id
    assert renamed.link.endswith("/renamed/")


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_carries_the_full_post_content(client, river, url):
    entry = read_feed(client, url).entries[0]
    assert "<strong>hot chips</strong>" in entry.content[0].value


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_content_links_and_images_point_at_this_site(client, url):
    make_post(
        "Pictures",
        body_format="html",
        body='<p><a href="/about/">About</a> <a href="https://example.org/x">x</a> '
        '<img src="/media/a.png" srcset="/media/a.png 1x, /media/b.png 2x" alt="a"></p>',
    )
    root = etree.fromstring(client.get(url).content, XML_PARSER)
    content = root.findtext(".//{http://purl.org/rss/1.0/modules/content/}encoded") or root.findtext(
        f".//{ATOM}content"
    )
    assert 'href="http://testserver/about/"' in content
    assert 'href="https://example.org/x"' in content
    assert 'src="http://testserver/media/a.png"' in content
    assert 'srcset="http://testserver/media/a.png 1x, http://testserver/media/b.png 2x"' in content
    assert '"/about/' not in content
    assert '"/media/' not in content


def test_feed_requests_for_two_addresses_at_once_do_not_mix_their_links(client, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    make_post("Pictures", body_format="html", body='<p><a href="/about/">About</a></p>')
    items = feeds.PostFeed.items
    interleaved: dict[str, object] = {}

    def items_while_another_request_comes_in(self, obj=None):  # type: ignore[no-untyped-def]
        if "b" not in interleaved:  # the same feed object serves another reader midway through this one
            interleaved["b"] = None
            interleaved["b"] = client.get("/feed/", HTTP_HOST="b.example")
        return items(self, obj)

    monkeypatch.setattr(feeds.PostFeed, "items", items_while_another_request_comes_in)
    first = feedparser.parse(client.get("/feed/", HTTP_HOST="a.example").content).entries[0]
    second = feedparser.parse(interleaved["b"].content).entries[0]
    assert 'href="http://a.example/about/"' in first.content[0].value
    assert 'href="http://b.example/about/"' in second.content[0].value


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_does_not_carry_a_password_protected_posts_content(client, url):
    make_post("Locked", password="sesame", body="The treasure is under the jetty.")
    response = client.get(url)
    assert b"treasure" not in response.content
    entry = read_feed(client, url).entries[0]
    assert entry.title == "Locked"
    assert "content" not in entry
    assert entry.summary == "This post is password protected."


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_feed_leaves_out_drafts_scheduled_private_posts_and_pages(client, river, url):
    make_post("Draft", status="draft")
    make_post("Private", status="private")
    make_post("About", kind="page")
    make_post("Scheduled", published_at=timezone.now() + timedelta(days=1))
    assert [e.title for e in read_feed(client, url).entries] == [river.title]


def test_feed_holds_as_many_items_as_the_site_setting_says_newest_first(client):
    site_settings(feed_items=3)
    for day in range(1, 6):
        make_post(f"Day {day}", published_at=local(2024, 3, day))
    assert [e.title for e in read_feed(client, "/feed/").entries] == ["Day 5", "Day 4", "Day 3"]
    assert len(read_feed(client, "/feed/atom/").entries) == 3


def test_atom_feed_has_updated_dates_in_utc(client, river):
    entry = read_feed(client, "/feed/atom/").entries[0]
    assert tuple(entry.updated_parsed[:6]) == utc_tuple(max(river.updated_at, river.published_at))


def test_category_feed_has_the_categorys_posts_and_its_childrens(client):
    boats = make_category("Boats")
    sampans = make_category("Sampans", parent=boats)
    make_post("About boats", categories=[boats], published_at=local(2024, 3, 1))
    make_post("About sampans", categories=[sampans], published_at=local(2024, 3, 2))
    make_post("In both", categories=[boats, sampans], published_at=local(2024, 3, 3))
    make_post("Weather", categories=[make_category("Weather")], published_at=local(2024, 3, 4))
    parsed = read_feed(client, "/category/boats/feed/")
    assert parsed.feed.title == f"{SiteSettings.load().title} » Boats Category"
    assert [e.title for e in parsed.entries] == ["In both", "About sampans", "About boats"]
    child = read_feed(client, "/category/boats/sampans/feed/atom/")
    assert [e.title for e in child.entries] == ["In both", "About sampans"]
    assert client.get("/category/sampans/feed/").status_code == 404


def test_tag_feed_has_only_posts_with_the_tag(client):
    oars = make_tag("oars")
    make_post("Rowing", tags=[oars])
    make_post("Sailing")
    for url in ("/tag/oars/feed/", "/tag/oars/feed/atom/"):
        parsed = read_feed(client, url)
        assert parsed.feed.title.endswith("» oars Tag")
        assert [e.title for e in parsed.entries] == ["Rowing"]
    assert client.get("/tag/nothing/feed/").status_code == 404


def test_author_feed_has_only_that_authors_posts(client, mei, river):
    make_post("By someone else")
    for url in ("/author/mei/feed/", "/author/mei/feed/atom/"):
        parsed = read_feed(client, url)
        assert parsed.feed.title.endswith("» Posts by Mei Ling")
        assert [e.title for e in parsed.entries] == [river.title]
        assert parsed.feed.link == "http://testserver/author/mei/"
    assert client.get("/author/nobody/feed/").status_code == 404


def test_feeds_refuse_posts_to_them(client, river):
    for url in ("/feed/", "/feed/atom/", "/comments/feed/", "/category/x/feed/"):
        assert client.post(url).status_code == 405


# Comment feeds, with a stand-in for the comments app


@dataclass
class StandInDiscussion:
    thoughts: Sequence[discussion.Thought]

    def for_post(self, post: Post) -> discussion.Discussion:
        return discussion.Discussion(post=post, count=len([t for t in self.thoughts if t.post == post]))

    def latest(self, *, limit: int, post: Post | None = None) -> Sequence[discussion.Thought]:
        return [t for t in self.thoughts if post is None or t.post == post][:limit]


def thought(post: Post, n: int, when: datetime) -> discussion.Thought:
    url = f"http://testserver{post.get_absolute_url()}#comment-{n}"
    return discussion.Thought(
        post=post,
        author_name=f"Reader {n}",
        content_html=f"<p>Comment number {n}</p>",
        published_at=when,
        url=url,
        guid=url,
    )


@pytest.fixture
def comments(monkeypatch, river):
    other = make_post("Other", published_at=local(2024, 3, 3))
    thoughts = [thought(other, 2, local(2024, 3, 4, 0, 15)), thought(river, 1, local(2024, 3, 3, 9))]
    monkeypatch.setattr(discussion, "_provider", StandInDiscussion(thoughts))
    return thoughts


def test_comments_feed_is_valid_and_empty_without_comments(client, river):
    for url in ("/comments/feed/", "/comments/feed/atom/"):
        parsed = read_feed(client, url)
        assert parsed.entries == []
        assert parsed.feed.title == f"Comments for {SiteSettings.load().title}"


@pytest.mark.parametrize("url", ["/comments/feed/", "/comments/feed/atom/"])
def test_comments_feed_lists_the_latest_comments(client, comments, url):
    entries = read_feed(client, url).entries
    assert [e.title for e in entries] == [
        "Comment on Other by Reader 2",
        f"Comment on {comments[1].post.title} by Reader 1",
    ]
    assert entries[0].author == "Reader 2"
    assert entries[0].id == entries[0].link == comments[0].url
    assert (
        tuple(entries[0].published_parsed[:6])
        == utc_tuple(comments[0].published_at)
        == (2024, 3, 3, 11, 15, 0)
    )
    assert "Comment number 2" in entries[0].summary


def test_comments_feed_leaves_out_comments_on_posts_readers_cannot_see(client, monkeypatch, river):
    hidden = [
        make_post("Locked", password="sesame", published_at=local(2024, 3, 5)),
        make_post("Private", status="private", published_at=local(2024, 3, 5)),
        make_post("Draft", status="draft", published_at=local(2024, 3, 5)),
    ]
    thoughts = [thought(post, n, local(2024, 3, 6)) for n, post in enumerate([*hidden, river], 1)]
    monkeypatch.setattr(discussion, "_provider", StandInDiscussion(thoughts))
    assert [e.author for e in read_feed(client, "/comments/feed/").entries] == ["Reader 4"]


def test_post_comments_feed_lists_only_that_posts_comments(client, comments, river):
    for suffix in ("feed/", "feed/atom/"):
        parsed = read_feed(client, river.get_absolute_url() + suffix)
        assert parsed.feed.title == f"Comments on: {river.title}"
        assert [e.author for e in parsed.entries] == ["Reader 1"]


def test_post_comments_feed_is_not_found_for_drafts_and_protected_posts(client):
    for post in (make_post("Draft", status="draft"), make_post("Locked", password="sesame")):
        assert client.get(post.get_absolute_url() + "feed/").status_code == 404


def test_page_comments_feed_is_valid(client):
    about = make_post("About", kind="page")
    make_post("Crew", kind="page", parent=about)
    assert read_feed(client, "/about/crew/feed/").feed.title == "Comments on: Crew"
    assert client.get("/crew/feed/").status_code == 404


# Feed discovery


ALTERNATE = re.compile(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">')


def alternates(html: str) -> dict[str, str]:
    """The feeds a page announces: {href: type}."""
    return {href: kind for kind, href in ALTERNATE.findall(html)}


def test_every_page_announces_the_main_and_comments_feeds(client, river):
    for url in ("/", river.get_absolute_url(), "/2024/03/", "/?s=chips"):
        links = alternates(client.get(url).text)
        assert links["/feed/"] == "application/rss+xml"
        assert links["/feed/atom/"] == "application/atom+xml"
        assert links["/comments/feed/"] == "application/rss+xml"


def test_archives_and_posts_announce_their_own_feeds_and_those_feeds_work(client, river):
    river.categories.set([make_category("Boats")])
    river.tags.set([make_tag("oars")])
    pages = {
        river.get_absolute_url(): river.get_absolute_url() + "feed/",
        "/category/boats/": "/category/boats/feed/",
        "/tag/oars/": "/tag/oars/feed/",
        "/author/mei/": "/author/mei/feed/",
    }
    for page, feed in pages.items():
        assert feed in alternates(client.get(page).text), page
        read_feed(client, feed)


# Sitemap and robots.txt


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content, XML_PARSER)
    assert root.tag == SITEMAP + "urlset"
    for url in root.iter(SITEMAP + "url"):
        lastmod = url.findtext(SITEMAP + "lastmod")
        assert lastmod is None or date.fromisoformat(lastmod)
    return [loc.text for loc in root.iter(SITEMAP + "loc")]


def test_sitemap_lists_live_posts_and_pages_only(client, river):
    make_post("About", kind="page")
    make_post("Draft", status="draft")
    make_post("Private", status="private")
    make_post("Locked", password="sesame")
    make_post("Locked page", kind="page", password="sesame")
    make_post("Scheduled", published_at=timezone.now() + timedelta(days=1))
    locations = sitemap_locations(client)
    assert "http://testserver/2024/03/02/fish-chips-by-the-river/" in locations
    assert "http://testserver/about/" in locations
    for hidden in ("draft", "private", "locked", "scheduled"):
        assert not [loc for loc in locations if hidden in loc], hidden


def test_sitemap_lists_categories_and_tags_that_have_live_posts(client, river):
    river.categories.set([make_category("Boats")])
    river.tags.set([make_tag("oars")])
    make_post("Draft", status="draft", categories=[make_category("Secrets")], tags=[make_tag("hidden")])
    make_post("Soon", published_at=timezone.now() + timedelta(days=1), categories=[make_category("Later")])
    locations = sitemap_locations(client)
    assert "http://testserver/category/boats/" in locations
    assert "http://testserver/tag/oars/" in locations
    assert not [loc for loc in locations if "secrets" in loc or "hidden" in loc or "later" in loc]


def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines
    assert client.head("/robots.txt").status_code == 200


def test_robots_txt_turns_crawlers_away_when_search_engines_are_not_allowed(client):
    site_settings(search_engines_allowed=False)
    lines = client.get("/robots.txt").text.splitlines()
    assert lines[:2] == ["User-agent: *", "Disallow: /"]
    assert not [line for line in lines if line.startswith("Sitemap:")]
