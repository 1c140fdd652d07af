"""Reading an XML-RPC request from the outside world, which may be hostile.

The XML is parsed by lxml with entities, DTDs and the network all off, and any document that declares a DOCTYPE
or an entity is refused outright: XML-RPC never needs one, and refusing them closes off XXE and "billion laughs"
for good, whatever a future lxml does by default. Body size and nesting depth are capped. Everything wrong with a
request becomes an `xmlrpc.client.Fault`, never another exception.
"""

import base64
import binascii
import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from xmlrpc.client import Fault

from lxml import etree

# libxml2 without its "huge" option (which would also lift its depth limit) keeps any one text node under 10 MB:
# a base64 upload of about 7 MB. The body may hold that and the rest of the call, and no more.
MAX_TEXT_BYTES = 10_000_000
MAX_BODY_BYTES = MAX_TEXT_BYTES + 1024 * 1024
MAX_DEPTH = 32  # struct/array levels; real clients use three or four
METHOD_NAME = re.compile(r"^[A-Za-z0-9_.:/]{1,100}$")

TOO_LARGE_VALUE = (
    "server error. request too large: one value (an upload?) is over 10 MB, about 7 MB before base64"
)
NOT_WELL_FORMED = -32700
INVALID_XMLRPC = -32600
_INT_TYPES = {"int", "i4", "i8"}
_INT_TEXT = re.compile(r"^[+-]?[0-9]{1,20}$")
_DATE = re.compile(
    r"^(?P<y>[0-9]{4})-?(?P<m>[0-9]{2})-?(?P<d>[0-9]{2})"
    r"T(?P<H>[0-9]{2}):?(?P<M>[0-9]{2}):?(?P<S>[0-9]{2})(?:\.[0-9]{1,9})?"
    r"(?P<tz>Z|[+-][0-9]{2}:?[0-9]{2})?$"
)


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def not_well_formed() -> Fault:
    return Fault(NOT_WELL_FORMED, "parse error. not well formed")


def invalid(reason: str) -> Fault:
    return Fault(INVALID_XMLRPC, f"server error. invalid xml-rpc. not conforming to spec: {reason}")


def parse_call(body: bytes) -> tuple[str, list[Any]]:
    """The method name and decoded parameters of an XML-RPC `methodCall`, or a Fault."""
    if len(body) > MAX_BODY_BYTES:
        raise Fault(INVALID_XMLRPC, f"server error. request too large (the limit is {MAX_BODY_BYTES} bytes)")
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", body, re.IGNORECASE):
        raise not_well_formed()
    try:
        root = etree.fromstring(body, parser=_hardened_parser())
    except etree.XMLSyntaxError as err:
        if "Text node too long" in str(err):
            raise Fault(INVALID_XMLRPC, TOO_LARGE_VALUE) from None
        raise not_well_formed() from None
    except ValueError:
        raise not_well_formed() from None
    # Another encoding (UTF-16) hides a DOCTYPE from the byte check above; the parsed document cannot.
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise not_well_formed()
    if root.tag != "methodCall":
        raise invalid("the document must be a methodCall")
    name_el = root.find("methodName")
    name = (name_el.text or "").strip() if name_el is not None else ""
    if not METHOD_NAME.match(name):
        raise invalid("missing or malformed methodName")
    params_el = root.find("params")
    params: list[Any] = []
    if params_el is not None:
        for param in _elements(params_el):
            if param.tag != "param":
                raise invalid(f"unexpected <{param.tag}> in params")
            params.append(decode_value(_only_child(param, "value"), depth=0))
    return name, params


def _elements(parent: Any) -> list[Any]:
    children = []
    for child in parent:
        if not isinstance(child.tag, str):
            raise not_well_formed()  # an unexpanded entity reference (XML-RPC has none)
        children.append(child)
    return children


def _only_child(parent: Any, tag: str) -> Any:
    children = _elements(parent)
    if len(children) != 1 or children[0].tag != tag:
        raise invalid(f"<{parent.tag}> must hold exactly one <{tag}>")
    return children[0]


def _local(tag: str) -> str:
    # Apache's extensions come namespaced (<ex:nil/>, <ex:i8>); the local name is what counts.
    return tag.rsplit("}", 1)[-1]


def decode_value(value: Any, *, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise invalid(f"values nested deeper than {MAX_DEPTH} levels")
    children = _elements(value)
    if not children:
        return value.text or ""  # a bare <value>text</value> is a string
    if len(children) > 1:
        raise invalid("a <value> must hold one typed element")
    typed = children[0]
    kind = _local(typed.tag)
    text = typed.text or ""
    if kind in _INT_TYPES:
        return _int(text)
    if kind == "string":
        return text
    if kind == "boolean":
        return _boolean(text)
    if kind == "double":
        return _double(text)
    if kind == "dateTime.iso8601":
        return parse_datetime(text)
    if kind == "base64":
        return _base64(text)
    if kind == "struct":
        return _struct(typed, depth=depth)
    if kind == "array":
        data = _only_child(typed, "data")
        return [decode_value(_expect(v, "value"), depth=depth + 1) for v in _elements(data)]
    if kind == "nil":
        return None
    raise invalid(f"unknown value type <{kind}>")


def _expect(element: Any, tag: str) -> Any:
    if element.tag != tag:
        raise invalid(f"expected <{tag}>, found <{element.tag}>")
    return element


def _struct(struct: Any, *, depth: int) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for member in _elements(struct):
        _expect(member, "member")
        name_el, value_el = member.find("name"), member.find("value")
        if name_el is None or value_el is None or len(_elements(member)) != 2:
            raise invalid("a struct member must hold one <name> and one <value>")
        members[name_el.text or ""] = decode_value(value_el, depth=depth + 1)
    return members


def _int(text: str) -> int:
    text = text.strip()
    if not _INT_TEXT.match(text):
        raise invalid(f"not an integer: {text[:40]!r}")
    number = int(text)
    if not -(2**63) <= number < 2**63:
        raise invalid("integer out of range")
    return number


def _boolean(text: str) -> bool:
    text = text.strip().lower()
    if text in ("1", "true"):
        return True
    if text in ("0", "false"):
        return False
    raise invalid(f"not a boolean: {text[:40]!r}")


def _double(text: str) -> float:
    try:
        number = float(text.strip())
    except ValueError:
        raise invalid(f"not a double: {text[:40]!r}") from None
    if not math.isfinite(number):
        raise invalid("a double must be a finite number")
    return number


def _base64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        raise invalid("malformed base64") from None


def parse_datetime(text: str) -> datetime:
    """An aware datetime; one without a zone is taken as UTC (what most blogging apps send)."""
    found = _DATE.match(text.strip())
    if not found:
        raise invalid(f"not a dateTime.iso8601: {text[:40]!r}")
    parts = {k: int(found[k]) for k in ("y", "m", "d", "H", "M", "S")}
    try:
        moment = datetime(
            parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"], tzinfo=_zone(found["tz"])
        )
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise invalid(f"no such date: {text[:40]!r}") from None


def _zone(text: str | None) -> timezone:
    if not text or text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
