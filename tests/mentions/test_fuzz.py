"""Made-up input at every mention endpoint: whatever arrives, the answer is a clear refusal or an acceptance in
the protocol's own form, never a server error, and nothing is stored for a refusal."""

import xmlrpc.client

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sampan.mentions.links import link_context, links_in, normalised
from sampan.mentions.models import ReceivedMention
from tests.factories import make_post

pytestmark = pytest.mark.django_db

FIXTURE_OK = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
URLISH = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}/{path}",
        st.sampled_from(["http", "https", "ftp", "javascript", "HTTP", ""]),
        st.sampled_from(["a.example", "127.0.0.1:8000", "[::1]", "xn--", "10.0.0.1", "ex ample", ""]),
        st.text(max_size=30),
    ),
)


@pytest.fixture
def post():
    return make_post("Target")


@FIXTURE_OK
@given(source=URLISH, target=st.one_of(URLISH, st.just("TARGET")))
def test_webmention_form_input_is_refused_clearly_or_accepted(client, post, source, target):
    cache.clear()
    target = django_settings.SITE_URL + post.get_absolute_url() if target == "TARGET" else target
    before = ReceivedMention.objects.count()
    response = client.post("/webmention/", {"source": source, "target": target})
    assert response.status_code in (202, 400, 429)
    stored = ReceivedMention.objects.count() - before
    assert stored == (1 if response.status_code == 202 else 0)
    if response.status_code == 400:
        assert response.content.decode().strip()


@FIXTURE_OK
@given(
    fields=st.dictionaries(st.sampled_from(["url", "title", "excerpt", "blog_name"]), st.text(max_size=200))
)
def test_trackback_input_always_gets_the_specs_xml_answer(client, post, fields):
    cache.clear()
    response = client.post(f"{post.get_absolute_url()}trackback/", fields)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == "response" and root.findtext("error") in ("0", "1")


XMLRPC_VALUES = st.recursive(
    st.one_of(
        st.text(max_size=40), st.integers(-(2**31), 2**31 - 1), st.booleans(), st.floats(allow_nan=False)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


@FIXTURE_OK
@given(params=st.lists(st.one_of(XMLRPC_VALUES, URLISH), max_size=3))
def test_pingback_ping_with_any_parameters_answers_in_xml_rpc(client, post, params):
    cache.clear()
    body = xmlrpc.client.dumps(tuple(params), methodname="pingback.ping", allow_none=True)
    response = client.post("/xmlrpc.php", body, content_type="text/xml")
    assert response.status_code == 200
    try:
        xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault as fault:
        assert isinstance(fault.faultCode, int) and fault.faultString


@settings(max_examples=300, deadline=None)
@given(html=st.text(max_size=300), base=URLISH, target=URLISH)
def test_link_reading_takes_any_text(html, base, target):
    links_in(html, base=base if normalised(base) else "https://a.example/")
    link_context(html, base="https://a.example/", target=target)
    assert normalised(normalised(target) or "https://a.example/") == (
        normalised(target) or "https://a.example/"
    )
