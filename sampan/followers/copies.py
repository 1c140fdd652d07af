"""Many copies of one message, fast: a post's mail serialized once, each follower's copy made by filling in
their address and links.

Python's email package spends milliseconds folding and encoding the headers of every message; for a post going
to a hundred thousand followers that is most of the fan-out's time. Here the parts that are the same for
everyone (Subject, From, List-Id, the MIME structure) are encoded once with the email package itself; each copy
adds its own To, Date, Message-ID and List-Unsubscribe, and its bodies, quoted-printable encoded by binascii.
A copy is still a Django `EmailMultiAlternatives` (any mail backend sends it, the test backend keeps it); only
its `message()` hands out the prepared bytes. Every value that reaches a header is checked to be one line.
"""

import binascii
import secrets
from email.header import Header
from email.utils import formatdate
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

CRLF = "\r\n"


class OneLineRequired(ValueError):
    """A header value with a line break in it: refused, so nothing can add headers."""


def _one_line(value: str) -> str:
    if "\r" in value or "\n" in value or "\0" in value:
        raise OneLineRequired(value[:80])
    return value


def _header(value: str) -> str:
    """A header value as it goes on the wire: ASCII as it is, anything else as RFC 2047 encoded words."""
    _one_line(value)
    return value if value.isascii() else Header(value, "utf-8", maxlinelen=76).encode(linesep=CRLF)


def _address(address: str) -> str:
    # Follower addresses were validated when typed; plain ASCII ones need no further work (the common case).
    _one_line(address)
    return address if address.isascii() and "<" not in address else sanitize_address(address, "utf-8")


def _qp(text: str) -> bytes:
    body = text.replace("\r\n", "\n").replace("\n", CRLF).encode("utf-8")
    return binascii.b2a_qp(body, istext=True)


class Prepared:
    """What every copy shares: the encoded common headers and the boundary."""

    def __init__(self, *, subject: str, from_email: str, headers: dict[str, str]) -> None:
        self.boundary = "sampan-" + secrets.token_hex(12)
        common = {
            "MIME-Version": "1.0",
            "Content-Type": f'multipart/alternative; boundary="{self.boundary}"',
            "Subject": _header(subject),
            "From": sanitize_address(_one_line(from_email), "utf-8"),
            **{name: _header(value) for name, value in headers.items()},
        }
        self.head = "".join(f"{name}: {value}{CRLF}" for name, value in common.items())
        self.envelope_from = _address(from_email)
        self.from_email = from_email
        self.subject = subject

    def copy(self, *, to: str, message_id: str, unsubscribe_url: str, text: str, html: str) -> "Copy":
        own = {
            "To": _address(to),
            "Date": formatdate(localtime=True),
            "Message-ID": _one_line(message_id),
            "List-Unsubscribe": f"<{_one_line(unsubscribe_url)}>",
        }
        head = self.head + "".join(f"{name}: {value}{CRLF}" for name, value in own.items())
        part = "--" + self.boundary + CRLF + 'Content-Type: text/{}; charset="utf-8"' + CRLF
        part += "Content-Transfer-Encoding: quoted-printable" + CRLF + CRLF
        raw = b"".join([
            head.encode("ascii"), CRLF.encode(),
            part.format("plain").encode("ascii"), _qp(text), CRLF.encode(),
            part.format("html").encode("ascii"), _qp(html), CRLF.encode(),
            f"--{self.boundary}--{CRLF}".encode("ascii"),
        ])  # fmt: skip
        message = Copy(subject=self.subject, body=text, from_email=self.from_email, to=[to])
        message.attach_alternative(html, "text/html")
        message.extra_headers = {**own, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
        message.raw = raw
        message.envelope = (self.envelope_from, own["To"])
        return message


class _Serialized:
    """Stands in for the email package's message where a mail backend only wants the bytes."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        return self.raw if linesep == CRLF else self.raw.replace(CRLF.encode(), linesep.encode())

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(linesep=linesep).decode("ascii")

    def get_charset(self) -> None:
        return None


class Copy(EmailMultiAlternatives):
    raw: bytes = b""
    envelope: tuple[str, str] = ("", "")

    def send_over(self, connection: Any) -> None:
        """Send over an open connection of any mail backend; straight to the SMTP session when it is Django's
        own SMTP backend (the addresses were made ready once, with the message)."""
        if type(connection).send_messages is SMTPBackend.send_messages and connection.connection is not None:
            connection.connection.sendmail(self.envelope[0], [self.envelope[1]], self.raw)
        else:
            connection.send_messages([self])

    def message(self) -> Any:  # type: ignore[override]
        return _Serialized(self.raw)
