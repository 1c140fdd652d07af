"""A tiny MaxMind-format (MMDB) country database for tests, written from the MaxMind DB format spec (v2.0):
a binary search tree over address bits (24-bit records), 16 zero bytes, the data section, then the metadata."""

import ipaddress
from pathlib import Path
from typing import Any


class Unsigned(int):
    kind = 6  # uint32


class U16(Unsigned):
    kind = 5


class U64(Unsigned):
    kind = 9


def _control(kind: int, size: int) -> bytes:
    assert size < 29
    return bytes([(kind << 5) | size]) if kind <= 7 else bytes([size, kind - 7])


def encode(value: Any) -> bytes:
    if isinstance(value, str):
        raw = value.encode()
        return _control(2, len(raw)) + raw
    if isinstance(value, Unsigned):
        raw = int(value).to_bytes(8, "big").lstrip(b"\0")
        return _control(value.kind, len(raw)) + raw
    if isinstance(value, int):
        return encode(Unsigned(value))
    if isinstance(value, dict):
        return _control(7, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    if isinstance(value, list):
        return _control(11, len(value)) + b"".join(encode(v) for v in value)
    raise TypeError(f"cannot encode {value!r}")


def write_country_database(path: Path, countries: dict[str, str]) -> Path:
    """`countries`: {"203.0.113.0/24": "NZ", …} (IPv4 networks) → an IPv4 country database at `path`."""
    root: list[Any] = [None, None]
    data = b""
    for network, code in countries.items():
        net = ipaddress.IPv4Network(network)
        offset = len(data)
        data += encode({"country": {"iso_code": code, "names": {"en": code}}})
        node, bits = root, int(net.network_address)
        for depth in range(net.prefixlen):
            bit = (bits >> (31 - depth)) & 1
            if depth == net.prefixlen - 1:
                node[bit] = ("data", offset)
            else:
                if not isinstance(node[bit], list):
                    node[bit] = [None, None]
                node = node[bit]
    nodes, queue = [], [root]
    while queue:  # number the nodes breadth first; node 0 is the root
        node = queue.pop(0)
        nodes.append(node)
        queue += [child for child in node if isinstance(child, list)]
    number = {id(node): n for n, node in enumerate(nodes)}
    count = len(nodes)

    def record(child: Any) -> int:
        if isinstance(child, list):
            return number[id(child)]
        if child is None:
            return count  # no data
        return count + 16 + child[1]

    tree = b"".join(
        record(left).to_bytes(3, "big") + record(right).to_bytes(3, "big") for left, right in nodes
    )
    metadata = {
        "node_count": Unsigned(count), "record_size": U16(24), "ip_version": U16(4),
        "database_type": "Sampan-Test-Country", "languages": ["en"], "binary_format_major_version": U16(2),
        "binary_format_minor_version": U16(0), "build_epoch": U64(1_700_000_000),
        "description": {"en": "A test database"},
    }  # fmt: skip
    path.write_bytes(tree + b"\0" * 16 + data + b"\xab\xcd\xefMaxMind.com" + encode(metadata))
    return path
