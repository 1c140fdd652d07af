"""Reading an answer's body without ever holding more than the size allowed, compressed or not.

httpx would inflate a gzip body a whole network chunk at a time (a 64 KiB chunk of a gzip bomb is 64 MiB of
zeros), so the fetcher reads raw bytes and inflates them itself, never asking zlib for more than is still allowed.
"""

import time
import zlib

import httpx

from .outbound_errors import BadResponse, OutboundTimeout, ResponseTooLarge

# What the fetcher asks for; anything else a server sends compressed is refused rather than guessed at.
ACCEPT_ENCODING = "gzip, deflate"


class _Inflater:
    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        wbits = 16 + zlib.MAX_WBITS if encoding in {"gzip", "x-gzip"} else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)
        self._started = False

    def inflate(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._zlib.decompress(data, limit)
        except zlib.error:
            if self._encoding != "deflate" or self._started:
                raise BadResponse(f"the {self._encoding} body is corrupt") from None
            # "deflate" should be zlib-wrapped; some servers send it raw.
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, limit)
        self._started = True
        if self._zlib.unconsumed_tail:
            raise ResponseTooLarge("the answer inflates past the size allowed")
        return out


def _inflaters(content_encoding: str) -> list[_Inflater]:
    """Decoders for the header's encodings, outermost (last applied) first."""
    names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
    inflaters = []
    for name in reversed(names):
        if name == "identity":
            continue
        if name not in {"gzip", "x-gzip", "deflate"}:
            raise BadResponse(f"the answer is compressed as '{name}', which Sampan does not read")
        inflaters.append(_Inflater(name))
    return inflaters


def read_body(response: httpx.Response, *, max_bytes: int, deadline: float) -> bytes:
    """The decoded body of a streamed response, or an error once it passes `max_bytes` or the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge(f"the answer is {int(declared)} bytes, more than the {max_bytes} allowed")
    if response.is_stream_consumed:
        # Only a test's stand-in transport hands over an answer already read (and decoded) in full.
        if len(response.content) > max_bytes:
            raise ResponseTooLarge(f"the answer is more than the {max_bytes} bytes allowed")
        return response.content
    inflaters = _inflaters(response.headers.get("content-encoding", ""))
    body = bytearray()
    for raw in response.iter_raw():
        if time.monotonic() > deadline:
            raise OutboundTimeout("the server took longer than the time allowed")
        if response.num_bytes_downloaded > max_bytes:
            raise ResponseTooLarge(f"the answer is more than the {max_bytes} bytes allowed")
        piece = raw
        for inflater in inflaters:
            piece = inflater.inflate(piece, max_bytes - len(body) + 1)
        body += piece
        if len(body) > max_bytes:
            raise ResponseTooLarge(f"the answer is more than the {max_bytes} bytes allowed")
    return bytes(body)
