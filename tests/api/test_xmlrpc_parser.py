"""Reading requests safely: every XML-RPC type decodes, and hostile or broken XML only ever yields a clean fault."""

import xmlrpc.client
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.api.xmlrpc import parser
from sampan.api.xmlrpc.parser import parse_call

from .xmlrpc_helpers import fault_of, post_xml

pytestmark = pytest.mark.django_db


def _call(params: str, name: str = "demo.echo") -> bytes:
    return f"<?xml version='1.0'?><methodCall><methodName>{name}</methodName><params>{params}</params></methodCall>".encode()


def _value(inner: str) -> bytes:
    return _call(f"<param><value>{inner}</value></param>")


def _decoded(inner: str):
    return parse_call(_value(inner))[1][0]


def test_every_xmlrpc_type_decodes():
    assert _decoded("<int>42</int>") == 42
    assert _decoded("<i4>-7</i4>") == -7
    assert _decoded("<i8>9007199254740993</i8>") == 9007199254740993
    assert _decoded("<boolean>1</boolean>") is True
    assert _decoded("<boolean>0</boolean>") is False
    assert _decoded("<string>a &amp; b</string>") == "a & b"
    assert _decoded("bare text") == "bare text"
    assert _decoded("") == ""
    assert _decoded("<double>-1.5</double>") == -1.5
    assert _decoded("<base64>aGVsbG8=\n</base64>") == b"hello"
    assert _decoded("<nil/>") is None
    assert _decoded("<array><data><value><int>1</int></value><value>x</value></data></array>") == [1, "x"]
    struct = "<struct><member><name>a</name><value><int>1</int></value></member></struct>"
    assert _decoded(struct) == {"a": 1}


@pytest.mark.parametrize(
    "text",
    ["20251126T09:30:00", "2025-11-26T09:30:00", "20251126T09:30:00Z", "2025-11-26T22:30:00+13:00"],
)
def test_dates_with_or_without_dashes_and_without_a_zone_are_utc(text):
    assert _decoded(f"<dateTime.iso8601>{text}</dateTime.iso8601>") == datetime(
        2025, 11, 26, 9, 30, tzinfo=UTC
    )


def test_what_pythons_own_client_sends_round_trips():
    params = (1, "two", True, 2.5, [1, {"x": None}], xmlrpc.client.Binary(b"\x00\xff"))
    name, decoded = parse_call(xmlrpc.client.dumps(params, methodname="a.b", allow_none=True).encode())
    assert name == "a.b"
    assert decoded == [1, "two", True, 2.5, [1, {"x": None}], b"\x00\xff"]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE methodCall [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>system.listMethods</methodName><params>
<param><value><string>&xxe;</string></value></param></params></methodCall>"""

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'.encode() for i in range(1, 10)
    )
    + b"]><methodCall><methodName>&lol9;</methodName></methodCall>"
)


@pytest.mark.parametrize(
    "body",
    [
        XXE,
        LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE methodCall SYSTEM "http://example.org/x.dtd"><methodCall/>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE m [<!ENTITY e "x">]><methodCall/>'.encode("utf-16"),
        b"<methodCall><methodName>x",
        b"\xff\xfe\x00garbage",
        b"",
    ],
    ids=["xxe", "billion-laughs", "external-dtd", "utf16-doctype", "truncated", "binary", "empty"],
)
def test_hostile_or_broken_xml_is_a_parse_error_fault(client, body):
    assert fault_of(post_xml(client, body))[0] == -32700


def test_xxe_never_reads_the_file(client):
    response = post_xml(client, XXE)
    assert b"root:" not in response.content


def test_an_oversized_body_is_refused_before_parsing(client, monkeypatch):
    monkeypatch.setattr(parser, "MAX_BODY_BYTES", 1000)
    monkeypatch.setattr("sampan.api.xmlrpc.view.MAX_BODY_BYTES", 1000)
    code, message = fault_of(post_xml(client, _value("<string>" + "x" * 2000 + "</string>")))
    assert code == -32600
    assert "too large" in message


def test_deep_nesting_is_refused(client):
    deep = "<array><data><value>" * 100 + "x" + "</value></data></array>" * 100
    assert fault_of(post_xml(client, _value(deep)))[0] in (-32600, -32700)


@pytest.mark.parametrize(
    "inner",
    [
        "<int>12x</int>",
        "<boolean>maybe</boolean>",
        "<double>nan</double>",
        "<dateTime.iso8601>yesterday</dateTime.iso8601>",
        "<dateTime.iso8601>20251340T99:00:00</dateTime.iso8601>",
        "<base64>!!!</base64>",
        "<blob>x</blob>",
        "<int>1</int><int>2</int>",
        "<struct><member><name>a</name></member></struct>",
    ],
)
def test_malformed_values_are_invalid_request_faults(client, inner):
    assert fault_of(post_xml(client, _value(inner)))[0] == -32600


def test_a_document_that_is_not_a_method_call_is_refused(client):
    assert fault_of(post_xml(client, b"<methodResponse/>"))[0] == -32600
    assert fault_of(post_xml(client, _call("", name="bad name!")))[0] == -32600


def _is_clean_fault_or_answer(response) -> None:
    assert response.status_code == 200
    try:
        xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode != -32603, fault.faultString  # an internal error would be a bug of ours


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(body=st.binary(max_size=400))
def test_random_bytes_get_a_clean_fault(client, body):
    _is_clean_fault_or_answer(post_xml(client, body))


xmlrpc_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**31), max_value=2**31 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=30)
    | st.builds(xmlrpc.client.Binary, st.binary(max_size=30)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
methods = st.sampled_from(
    [
        "system.listMethods",
        "wp.getUsersBlogs",
        "metaWeblog.newPost",
        "wp.getPosts",
        "blogger.deletePost",
        "x.y",
    ]
)


@FUZZ
@given(method=methods, params=st.lists(xmlrpc_values, max_size=6))
def test_random_well_formed_calls_get_an_answer_or_a_clean_fault(client, method, params):
    body = xmlrpc.client.dumps(tuple(params), methodname=method, allow_none=True)
    _is_clean_fault_or_answer(post_xml(client, body))
