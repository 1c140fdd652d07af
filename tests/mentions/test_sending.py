"""Sending: publishing or updating a post tells each page it links to, by Webmention or else Pingback, through a
real HTTP server on loopback that records what it is sent."""

import xmlrpc.client

import pytest
from django.conf import settings as django_settings
from django_tasks_db.models import DBTaskResult

from sampan.blog import services as blog
from sampan.blog.models import Post
from sampan.mentions import sending
from sampan.mentions.models import MentionSettings, SentMention
from sampan.mentions.tasks import send_link_mention
from tests.factories import make_post

from .peers import Page, peer_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_site(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with peer_site() as site:
        site.pages["/takes-webmentions"] = Page(
            "<p>Hi</p>", headers={"Link": '</endpoint>; rel="webmention"'}
        )
        site.pages["/takes-pingbacks"] = Page(
            '<html><head><link rel="pingback" href="/xmlrpc"></head></html>'.replace(
                "/xmlrpc", f"{site.url}/xmlrpc"
            )
        )
        site.pages["/takes-nothing"] = Page("<p>Plain page.</p>")
        site.pages["/endpoint"] = Page("Accepted", status=202, headers={"Location": f"{site.url}/status/1"})
        site.pages["/xmlrpc"] = Page(
            xmlrpc.client.dumps(("Pingback registered.",), methodresponse=True), content_type="text/xml"
        )
        yield site


def publish(capture, body: str, **fields) -> Post:
    with capture(execute=True):
        return make_post("Links", body=body, **fields)


def source_of(post: Post) -> str:
    return django_settings.SITE_URL + post.get_absolute_url()


def test_publishing_sends_a_webmention_or_a_pingback_to_each_linked_page(
    other_site, django_capture_on_commit_callbacks
):
    url = other_site.url
    post = publish(
        django_capture_on_commit_callbacks,
        f"See [one]({url}/takes-webmentions), [two]({url}/takes-pingbacks) and [three]({url}/takes-nothing).",
    )
    assert other_site.forms_posted_to("/endpoint") == [
        {"source": source_of(post), "target": f"{url}/takes-webmentions"}
    ]
    (call,) = other_site.bodies_posted_to("/xmlrpc")
    assert xmlrpc.client.loads(call) == ((source_of(post), f"{url}/takes-pingbacks"), "pingback.ping")
    sent = {s.target.removeprefix(url): (s.protocol, s.status) for s in SentMention.objects.all()}
    assert sent == {
        "/takes-webmentions": ("webmention", "sent"),
        "/takes-pingbacks": ("pingback", "sent"),
        "/takes-nothing": ("", "no-endpoint"),
    }
    assert "status at" in SentMention.objects.get(protocol="webmention").response


def test_an_update_that_drops_a_link_tells_that_page_too(other_site, django_capture_on_commit_callbacks):
    url = other_site.url
    post = publish(django_capture_on_commit_callbacks, f"See [one]({url}/takes-webmentions).")
    post.body = "No links any more."
    with django_capture_on_commit_callbacks(execute=True):
        blog.save_post(post, previous_status=Post.Status.PUBLISHED)
    assert len(other_site.forms_posted_to("/endpoint")) == 2
    assert SentMention.objects.get().still_linked is False


def test_a_post_back_to_draft_answers_404_not_410(client, other_site, django_capture_on_commit_callbacks):
    post = publish(django_capture_on_commit_callbacks, f"See [one]({other_site.url}/takes-webmentions).")
    post.status = Post.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        blog.save_post(post, previous_status=Post.Status.PUBLISHED)
    assert client.get(post.get_absolute_url()).status_code == 404  # it may come back
    assert other_site.forms_posted_to("/endpoint")[-1]["source"] == source_of(post)


def test_deleting_a_post_tells_the_pages_it_linked_and_it_answers_410(
    client, other_site, django_capture_on_commit_callbacks
):
    post = publish(django_capture_on_commit_callbacks, f"See [one]({other_site.url}/takes-webmentions).")
    source, path = source_of(post), post.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        blog.delete_post(post)
    gone = client.get(path)
    assert gone.status_code == 410 and "This post is gone" in gone.content.decode()
    assert client.get("/2001/01/01/never-was/").status_code == 404
    assert other_site.forms_posted_to("/endpoint")[-1] == {
        "source": source,
        "target": f"{other_site.url}/takes-webmentions",
    }
    assert len(other_site.forms_posted_to("/endpoint")) == 2


@pytest.mark.parametrize("fields", [{"status": "draft"}, {"status": "private"}, {"password": "secret"}])
def test_drafts_private_and_password_posts_send_nothing(
    other_site, django_capture_on_commit_callbacks, fields
):
    publish(django_capture_on_commit_callbacks, f"[one]({other_site.url}/takes-webmentions)", **fields)
    assert other_site.posted == [] and not SentMention.objects.exists()


def test_the_site_wide_switch_stops_sending(other_site, django_capture_on_commit_callbacks):
    MentionSettings.objects.update_or_create(pk=1, defaults={"send": False})
    publish(django_capture_on_commit_callbacks, f"[one]({other_site.url}/takes-webmentions)")
    assert other_site.posted == []


def test_links_to_the_site_itself_are_not_sent_unless_allowed(django_capture_on_commit_callbacks):
    other = make_post("Earlier")
    post = publish(django_capture_on_commit_callbacks, f"[earlier]({source_of(other)})")
    assert not SentMention.objects.filter(source=source_of(post)).exists()


def test_a_failing_endpoint_is_retried_with_growing_waits_then_given_up(other_site):
    other_site.pages["/endpoint"] = Page("busy", status=503)
    sent = SentMention.objects.create(
        source="http://127.0.0.1:8000/p/", target=f"{other_site.url}/takes-webmentions"
    )
    waits = []
    for _ in range(sending.MAX_ATTEMPTS):
        sending.send_mention(sent)
        if sent.next_retry_at and sent.last_tried_at:
            waits.append((sent.next_retry_at - sent.last_tried_at).total_seconds())
    assert waits == [60, 120, 240, 480]
    assert sent.status == "failed" and sent.attempts == 5 and "Gave up" in sent.response


def test_a_refused_webmention_is_recorded_as_failed_with_the_answer(other_site):
    other_site.pages["/endpoint"] = Page("Source does not link to target", status=400)
    sent = SentMention.objects.create(
        source="http://127.0.0.1:8000/p/", target=f"{other_site.url}/takes-webmentions"
    )
    sending.send_mention(sent)
    assert sent.status == "failed" and "Source does not link" in sent.response


@pytest.mark.parametrize("code, status", [(0x0011, "failed"), (0x0030, "sent")])
def test_a_pingback_fault_is_read(other_site, code, status):
    fault = xmlrpc.client.Fault(code, "said no")
    other_site.pages["/xmlrpc"] = Page(
        xmlrpc.client.dumps(fault, methodresponse=True), content_type="text/xml"
    )
    sent = SentMention.objects.create(
        source="http://127.0.0.1:8000/p/", target=f"{other_site.url}/takes-pingbacks"
    )
    sending.send_mention(sent)
    assert sent.status == status


def test_one_host_gets_at_most_its_share_of_requests_a_minute(other_site, monkeypatch):
    monkeypatch.setattr(sending, "PER_TARGET_HOST", (4, 60))
    results = []
    for n in range(4):
        sent = SentMention.objects.create(
            source=f"http://127.0.0.1:8000/p{n}/", target=f"{other_site.url}/takes-webmentions"
        )
        results.append(sending.send_mention(sent).status)
    assert results == ["sent", "sent", "retrying", "retrying"]  # two requests each: discovery and the mention
    assert all(s.attempts == 0 for s in SentMention.objects.filter(status="retrying"))
    assert len(other_site.forms_posted_to("/endpoint")) == 2


def test_an_xml_bomb_from_a_pingback_server_is_not_expanded(other_site):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><methodResponse><fault><value><struct><member>'
        "<name>faultCode</name><value><int>17</int></value></member><member><name>faultString</name>"
        "<value><string>&c;</string></value></member></struct></value></fault></methodResponse>"
    )
    other_site.pages["/xmlrpc"] = Page(bomb, content_type="text/xml")
    sent = SentMention.objects.create(
        source="http://127.0.0.1:8000/p/", target=f"{other_site.url}/takes-pingbacks"
    )
    sending.send_mention(sent)
    assert sent.status == "failed" and "aaaaaaaaaa" not in sent.response


def test_with_a_worker_that_can_wait_the_retry_is_queued_for_its_time(other_site, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    other_site.pages["/endpoint"] = Page("busy", status=503)
    sent = SentMention.objects.create(
        source="http://127.0.0.1:8000/p/", target=f"{other_site.url}/takes-webmentions"
    )
    assert send_link_mention.call(sent.pk) == "retrying"
    sent.refresh_from_db()
    (queued,) = DBTaskResult.objects.filter(task_path__endswith="send_link_mention")
    assert queued.run_after == sent.next_retry_at and queued.args_kwargs["args"] == [sent.pk]
