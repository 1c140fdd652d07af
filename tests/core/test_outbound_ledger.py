"""The ledger: every outbound request leaves a row the owner can read in the admin, refused ones too."""

from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from sampan.core.models import OutboundRequest
from sampan.core.outbound import OutboundRefused, OutboundTimeout, ResponseTooLarge, fetch
from sampan.core.services import forget_outbound_requests
from tests.factories import make_user

from .outbound_peers import peer, silent_peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    with peer() as url:
        yield url


def only_row() -> OutboundRequest:
    (row,) = OutboundRequest.objects.all()
    return row


def test_an_answered_request_is_recorded_with_purpose_status_and_size(site):
    fetched = fetch(f"{site}/hello?lang=en", purpose="webmention-discover")
    row = only_row()
    assert (row.purpose, row.method, row.outcome, row.status) == (
        "webmention-discover",
        "GET",
        "answered",
        200,
    )
    assert row.url == f"{site}/hello?lang=en"
    assert row.host == "127.0.0.1"
    assert row.bytes_received == len(fetched.body)
    assert row.error == ""
    assert row.created <= timezone.now()


def test_a_refusal_is_recorded_saying_why_and_nothing_is_sent():
    with pytest.raises(OutboundRefused):
        fetch("http://169.254.169.254/latest/meta-data/", purpose="pingback-verify")
    row = only_row()
    assert row.outcome == "refused"
    assert row.status is None
    assert "link-local" in row.error
    assert row.bytes_received == 0


def test_a_redirect_records_where_the_answer_came_from(site):
    fetch(f"{site}/redirect?to=/hello", purpose="import-media", method="get")
    row = only_row()
    assert row.method == "GET"
    assert row.final_url == f"{site}/hello"
    assert row.redirects == 1


def test_user_names_and_passwords_never_reach_the_ledger(site):
    host = site.removeprefix("http://")
    with pytest.raises(OutboundRefused):
        fetch(f"http://owner:hunter2@{host}/hello?q=1", purpose="test")
    row = only_row()
    assert "hunter2" not in row.url and "owner" not in row.url
    assert row.url == f"http://{host}/hello?q=1"


def test_an_unparseable_address_is_kept_printable(site):
    with pytest.raises(OutboundRefused):
        fetch("http://user:pw@exa mple\x00.org:99999/", purpose="test")
    row = only_row()
    assert "\x00" not in row.url and "pw@" not in row.url


def test_timeouts_and_oversized_answers_are_recorded_as_such(site):
    with silent_peer() as url, pytest.raises(OutboundTimeout):
        fetch(url, purpose="test", timeout=0.3)
    with pytest.raises(ResponseTooLarge):
        fetch(f"{site}/endless", purpose="test", max_bytes=50_000)
    outcomes = dict(OutboundRequest.objects.values_list("outcome", "bytes_received"))
    assert set(outcomes) == {"timed-out", "too-large"}
    # Reading stopped at the cap (plus at most the network chunk in hand), not at the end of an endless body.
    assert 50_000 < outcomes["too-large"] < 50_000 + 70_000


def test_callers_tests_can_swap_the_network_and_the_ledger_still_records():
    transport = httpx.MockTransport(lambda request: httpx.Response(202, text="queued"))
    fetched = fetch("https://elsewhere.example/webmention", purpose="webmention-send", method="POST",
                    data={"source": "s", "target": "t"}, transport=transport)  # fmt: skip
    assert fetched.status == 202
    assert only_row().outcome == "answered"
    with pytest.raises(OutboundRefused):
        fetch("ftp://elsewhere.example/", purpose="webmention-send", transport=transport)


def test_rows_older_than_ninety_days_are_forgotten():
    now = timezone.now()
    for age in (1, 89, 91, 400):
        OutboundRequest.objects.create(
            created=now - timedelta(days=age), purpose="test", method="GET", url=f"http://e.example/{age}",
            outcome="answered",
        )  # fmt: skip
    assert forget_outbound_requests() == 2
    assert sorted(OutboundRequest.objects.values_list("url", flat=True)) == [
        "http://e.example/1",
        "http://e.example/89",
    ]
    assert forget_outbound_requests(older_than=timedelta(hours=1)) == 2


def test_the_owner_reads_the_ledger_in_the_admin_and_cannot_edit_it(client):
    with pytest.raises(OutboundRefused):
        fetch("http://10.0.0.7/secret", purpose="webmention-send")
    OutboundRequest.objects.create(purpose="import-media", method="GET", url="https://pics.example/a.jpg",
                                   host="pics.example", outcome="answered", status=200)  # fmt: skip
    client.force_login(make_user(role="Administrator"))
    page = client.get("/admin/core/outboundrequest/").content.decode()
    assert "Outbound requests" in page and "http://10.0.0.7/secret" in page and "pics.example/a.jpg" in page
    assert "Add outbound request" not in page

    refused = client.get("/admin/core/outboundrequest/", {"outcome": "refused"}).content.decode()
    assert "10.0.0.7/secret" in refused and "pics.example/a.jpg" not in refused
    by_purpose = client.get("/admin/core/outboundrequest/", {"purpose": "import-media"}).content.decode()
    assert "pics.example" in by_purpose and "10.0.0.7/secret" not in by_purpose
    searched = client.get("/admin/core/outboundrequest/", {"q": "private-network"}).content.decode()
    assert "10.0.0.7" in searched and "pics.example/a.jpg" not in searched

    row = OutboundRequest.objects.get(purpose="webmention-send")
    detail = client.get(f"/admin/core/outboundrequest/{row.pk}/change/").content.decode()
    assert "private-network address" in detail and 'name="_save"' not in detail
    client.post(f"/admin/core/outboundrequest/{row.pk}/change/", {"url": "http://changed.example/"})
    assert OutboundRequest.objects.get(pk=row.pk).url == "http://10.0.0.7/secret"
    assert client.get("/admin/core/outboundrequest/add/").status_code == 403


def test_editors_do_not_see_the_ledger(client):
    client.force_login(make_user(role="Editor"))
    assert client.get("/admin/core/outboundrequest/").status_code == 403
