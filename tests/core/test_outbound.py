"""The outbound fetcher against real servers on loopback (allowed for tests, as SAMPAN_OUTBOUND_ALLOW_LOOPBACK
does), with the resolver replaced where a test needs a name to resolve somewhere particular."""

import ipaddress
import json
import ssl
import threading

import httpcore
import httpx
import pytest
import trustme
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from sampan.core import outbound_policy
from sampan.core.outbound import (
    ConnectionFailed,
    OutboundError,
    OutboundRefused,
    OutboundTimeout,
    ResponseTooLarge,
    TooManyRedirects,
    fetch,
)

from .outbound_peers import peer, silent_peer

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback_allowed(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True


@pytest.fixture(scope="module")
def site():
    with peer() as url:
        yield url


def resolving(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Make host names resolve as given (and nothing else resolve); returns the list of names asked for."""
    asked: list[str] = []

    def resolve(host: str, port: int):
        asked.append(host)
        if host not in answers:
            raise ConnectionFailed(f"could not find the host {host}")
        return [ipaddress.ip_address(a) for a in answers[host]]

    monkeypatch.setattr(outbound_policy, "resolve_addresses", resolve)
    return asked


def test_a_page_comes_back_with_its_status_type_text_and_final_address(loopback_allowed, site):
    fetched = fetch(f"{site}/hello", purpose="test")
    assert fetched.status == 200
    assert fetched.content_type == "text/html"
    assert fetched.text == "<p>Hello, Sampan ☺</p>"
    assert fetched.url == f"{site}/hello"


def test_the_request_names_sampan_and_the_site_and_posts_forms(loopback_allowed, site):
    fetched = fetch(f"{site}/echo", purpose="test", method="POST", data={"source": "a", "target": "b"})
    seen = json.loads(fetched.body)
    assert seen["method"] == "POST"
    assert seen["body"] == "source=a&target=b"
    assert seen["headers"]["user-agent"].startswith("Sampan/")
    assert "http://127.0.0.1:8000/" in seen["headers"]["user-agent"]


def test_a_head_request_gets_headers_and_no_body(loopback_allowed, site):
    fetched = fetch(f"{site}/hello", purpose="test", method="HEAD")
    assert (fetched.status, fetched.body, fetched.content_type) == (200, b"", "text/html")


def test_without_the_test_switch_loopback_is_refused(site):
    with pytest.raises(OutboundRefused, match="loopback"):
        fetch(f"{site}/hello", purpose="test")


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/", "gopher://example.org/", "javascript:alert(1)",
     "data:text/html,hi", "//example.org/", "example.org", "", "http://", "http:///path"],
)  # fmt: skip
def test_anything_but_http_and_https_is_refused(url):
    with pytest.raises(OutboundRefused):
        fetch(url, purpose="test")


@pytest.mark.parametrize(
    "url",
    ["http://0x7f.1/", "http://2130706433/", "http://017700000001/", "http://127.1/", "http://[::1]/",
     "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://localhost/"],
)  # fmt: skip
def test_loopback_in_any_spelling_is_refused(url):
    with pytest.raises(OutboundRefused, match=r"loopback|unspecified"):
        fetch(url, purpose="test")


@pytest.mark.parametrize(
    ("url", "kind"),
    [("http://10.0.0.1/", "private"), ("http://192.168.1.1/", "private"), ("http://169.254.169.254/", "link-local"),
     ("http://100.64.0.1/", "carrier-grade"), ("http://224.0.0.1/", "multicast"), ("http://[fe80::1]/", "link-local"),
     ("http://[fc00::1]/", "private"), ("http://[::ffff:10.0.0.1]/", "private"), ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),
     ("http://0x0a.1/", "private"), ("http://[2002:a00:1::]/", "private")],
)  # fmt: skip
def test_private_addresses_are_refused_even_when_loopback_is_allowed(loopback_allowed, url, kind):
    with pytest.raises(OutboundRefused, match=kind):
        fetch(url, purpose="test")


def test_obfuscated_loopback_reaches_loopback_only_when_tests_allow_it(loopback_allowed, site):
    port = site.rsplit(":", 1)[1]
    assert fetch(f"http://0x7f.1:{port}/hello", purpose="test").status == 200


def test_ipv6_loopback_literal_is_reached_when_allowed(loopback_allowed):
    with peer("::1") as url:
        fetched = fetch(f"{url}/hello", purpose="test")
    assert fetched.status == 200
    assert url.startswith("http://[::1]:")


def test_a_name_resolving_to_a_private_address_is_refused(loopback_allowed, monkeypatch):
    resolving(monkeypatch, {"intranet.example": ["10.1.2.3"]})
    with pytest.raises(OutboundRefused, match=r"intranet\.example resolves to a private-network address"):
        fetch("http://intranet.example/", purpose="test")


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    resolving(
        monkeypatch,
        {"mixed.example": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "127.0.0.1"]},
    )
    with pytest.raises(OutboundRefused, match="loopback"):
        fetch("https://mixed.example/", purpose="test")


def test_the_connection_goes_to_the_address_checked_not_a_second_lookup(loopback_allowed, monkeypatch, site):
    """DNS rebinding: the name is resolved once; a lookup that would now say 10.x is never made."""
    port = site.rsplit(":", 1)[1]
    answers = [["127.0.0.1"], ["10.0.0.1"]]
    asked = []

    def rebinding(host, port):
        asked.append(host)
        return [ipaddress.ip_address(a) for a in answers[min(len(asked) - 1, 1)]]

    monkeypatch.setattr(outbound_policy, "resolve_addresses", rebinding)
    seen = json.loads(fetch(f"http://blog.example:{port}/echo", purpose="test").body)
    assert asked == ["blog.example"]
    assert seen["headers"]["host"] == f"blog.example:{port}"


def test_ports_other_than_the_webs_are_refused_on_public_hosts(monkeypatch):
    resolving(monkeypatch, {"mail.example": ["93.184.215.14"]})
    with pytest.raises(OutboundRefused, match="port 25"):
        fetch("http://mail.example:25/", purpose="test")


def test_user_names_and_passwords_in_addresses_are_refused(loopback_allowed, site):
    host = site.removeprefix("http://")
    for url in (f"http://user:secret@{host}/hello", f"http://public.example@{host}/hello"):
        with pytest.raises(OutboundRefused, match="user name or password"):
            fetch(url, purpose="test")


@pytest.mark.parametrize(
    "target", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd"]
)
def test_a_redirect_to_a_forbidden_place_is_refused(loopback_allowed, site, target):
    with pytest.raises(OutboundRefused, match="redirected to"):
        fetch(f"{site}/redirect?to={target}", purpose="test")


def test_a_redirect_to_a_name_resolving_privately_is_refused(loopback_allowed, monkeypatch, site):
    resolving(monkeypatch, {"metadata.example": ["169.254.169.254"]})
    with pytest.raises(OutboundRefused, match=r"metadata\.example resolves to a link-local address"):
        fetch(f"{site}/redirect?to=http://metadata.example/", purpose="test")


def test_redirects_are_followed_and_relative_ones_resolved(loopback_allowed, site):
    fetched = fetch(f"{site}/redirect?to=/redirect%3Fto%3D/hello%26status%3D308", purpose="test")
    assert fetched.status == 200
    assert fetched.url == f"{site}/hello"
    assert fetched.redirects == (f"{site}/redirect?to=/hello&status=308", f"{site}/hello")


def test_a_303_after_a_post_is_followed_with_a_get(loopback_allowed, site):
    fetched = fetch(f"{site}/redirect?to=/echo&status=303", purpose="test", method="POST", data={"a": "1"})
    assert json.loads(fetched.body)["method"] == "GET"


def test_a_307_keeps_the_method_and_the_form(loopback_allowed, site):
    fetched = fetch(f"{site}/redirect?to=/echo&status=307", purpose="test", method="POST", data={"a": "1"})
    seen = json.loads(fetched.body)
    assert (seen["method"], seen["body"]) == ("POST", "a=1")


def test_credentials_given_by_the_caller_do_not_follow_a_redirect_to_another_host(loopback_allowed, site):
    port = site.rsplit(":", 1)[1]
    elsewhere = f"http://localhost:{port}/echo"
    fetched = fetch(
        f"{site}/redirect?to={elsewhere}", purpose="test", headers={"Authorization": "Bearer s3cret"}
    )
    assert fetched.url == elsewhere
    assert "authorization" not in json.loads(fetched.body)["headers"]
    same_host = fetch(f"{site}/redirect?to=/echo", purpose="test", headers={"Authorization": "Bearer s3cret"})
    assert json.loads(same_host.body)["headers"]["authorization"] == "Bearer s3cret"


def test_a_redirect_loop_stops_at_the_hop_limit(loopback_allowed, site):
    with pytest.raises(TooManyRedirects):
        fetch(f"{site}/loop", purpose="test")


def test_redirects_can_be_left_to_the_caller(loopback_allowed, site):
    fetched = fetch(f"{site}/redirect?to=/hello", purpose="test", follow_redirects=False)
    assert fetched.status == 302
    assert fetched.headers["location"] == "/hello"


def test_an_endless_answer_is_cut_off_at_the_size_allowed(loopback_allowed, site):
    with pytest.raises(ResponseTooLarge, match="100000 bytes"):
        fetch(f"{site}/endless", purpose="test", max_bytes=100_000)


def test_an_answer_declaring_a_huge_length_is_refused_before_reading(loopback_allowed, site):
    with pytest.raises(ResponseTooLarge, match="1000000000000 bytes"):
        fetch(f"{site}/huge-declared", purpose="test")


def test_gzip_is_unpacked_and_a_gzip_bomb_cut_off(loopback_allowed, site):
    assert fetch(f"{site}/gzip", purpose="test").body == b"<p>packed</p>" * 100
    with pytest.raises(ResponseTooLarge, match="inflates"):
        fetch(f"{site}/bomb", purpose="test", max_bytes=1_000_000)


def test_an_encoding_not_asked_for_is_refused(loopback_allowed, site):
    with pytest.raises(OutboundError, match="'br'"):
        fetch(f"{site}/brotli", purpose="test")


def test_a_server_that_never_answers_times_out(loopback_allowed):
    with silent_peer() as url, pytest.raises(OutboundTimeout):
        fetch(f"{url}/", purpose="test", timeout=0.3)


def test_a_server_dripping_bytes_times_out_on_the_total_time(loopback_allowed, site):
    with pytest.raises(OutboundTimeout):
        fetch(f"{site}/drip", purpose="test", timeout=0.3)


def test_a_name_lookup_that_hangs_times_out(monkeypatch):
    release = threading.Event()

    def hanging(host, port):
        release.wait()
        return [ipaddress.ip_address("93.184.215.14")]

    monkeypatch.setattr(outbound_policy, "resolve_addresses", hanging)
    try:
        with pytest.raises(OutboundTimeout, match=r"looking up slow\.example"):
            fetch("http://slow.example/", purpose="test", timeout=0.3)
    finally:
        release.set()


def test_nothing_listening_is_a_connection_failure(loopback_allowed):
    with silent_peer() as url:
        pass  # closed: the port is now free
    with pytest.raises(ConnectionFailed, match="could not connect"):
        fetch(f"{url}/", purpose="test")


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


def tls_peer(ca, name: str):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    return peer(tls=context)


@pytest.fixture
def trusting_test_ca(monkeypatch, ca):
    def context():
        ctx = ssl.create_default_context()
        ca.configure_trust(ctx)
        return ctx

    monkeypatch.setattr(outbound_policy, "tls_context", context)


def test_https_to_a_pinned_address_still_verifies_the_certificate_for_the_name(
    loopback_allowed, monkeypatch, ca, trusting_test_ca
):
    resolving(monkeypatch, {"blog.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    with tls_peer(ca, "blog.example") as url:
        port = url.rsplit(":", 1)[1]
        assert fetch(f"https://blog.example:{port}/hello", purpose="test").status == 200
        with pytest.raises(ConnectionFailed, match="certificate"):
            fetch(f"https://other.example:{port}/hello", purpose="test")


def test_a_certificate_from_an_unknown_authority_is_refused(loopback_allowed, monkeypatch, ca):
    resolving(monkeypatch, {"blog.example": ["127.0.0.1"]})
    with tls_peer(ca, "blog.example") as url, pytest.raises(ConnectionFailed, match="certificate"):
        fetch(f"https://blog.example:{url.rsplit(':', 1)[1]}/hello", purpose="test")


_hosts = st.sampled_from(
    ["example.org", "10.0.0.1", "[::1]", "0x7f.1", "[fe80::1%25eth0]", "127.0.0.1", "xn--ls8h.la", "☃.net",
     "a..b", "", "user@host", "host:99999", "[::ffff:192.168.0.1]", "%00", "203.0.113.9"]
)  # fmt: skip
_urls = st.one_of(
    st.text(max_size=80),
    st.builds(
        "{}{}{}{}".format,
        st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:", "http:/", "", "\x00http://"]),
        _hosts,
        st.sampled_from(["", ":80", ":0", ":65536", ":-1", ":8080", ": 80"]),
        st.text(max_size=30),
    ),
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(url=_urls)
@example(url="HTTP://XN--0")
@example(url="http://[::ffff:192.168.0.1]:8080/")
def test_any_string_as_an_address_ends_in_an_answer_or_the_fetchers_own_error(monkeypatch, url):
    # No network at all: every name resolves privately, and a connection to any literal public address fails.
    monkeypatch.setattr(
        outbound_policy, "resolve_addresses", lambda host, port: [ipaddress.ip_address("10.9.9.9")]
    )

    def no_network(*args, **kwargs):
        raise httpcore.ConnectError("no network in tests")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", no_network)
    try:
        fetch(url, purpose="fuzz", timeout=1)
    except OutboundError as exc:
        assert str(exc) and "\n" not in str(exc)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(location=st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60))
@example(location="//[::1")
@example(location="http://xn--0/")
def test_any_redirect_location_ends_in_an_answer_or_the_fetchers_own_error(location):
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/start":
            return httpx.Response(302, headers={"Location": location})
        return httpx.Response(200, text="landed")

    try:
        fetched = fetch("https://blog.example/start", purpose="fuzz", transport=httpx.MockTransport(answer))
    except OutboundError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert fetched.status in {200, 302}


def test_offline_the_fetcher_reaches_no_other_host_and_says_so(settings):
    settings.OUTBOUND_OFFLINE = True
    with pytest.raises(OutboundError, match="stay on this machine"):
        fetch("https://example.org/", purpose="test")
    with pytest.raises(OutboundError, match="stay on this machine"):
        fetch("http://93.184.215.14/", purpose="test")
