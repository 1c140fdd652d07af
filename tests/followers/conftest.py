"""A real SMTP server for the followers' tests: aiosmtpd on a free local port, with Django's SMTP backend
pointed at it. `smtp_server.messages` holds what it accepted, parsed; addresses in `smtp_server.refused`
are refused at RCPT with a permanent error (a hard bounce)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.servers import free_port


@dataclass
class SmtpServer:
    messages: list[EmailMessage] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)
    port: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def clear(self) -> None:
        self.messages.clear()


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    port = free_port()
    server = SmtpServer(port=port)
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        controller.stop()


def link_in(message: EmailMessage, path_part: str) -> str:
    """The first link in the text part whose address contains `path_part`."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    for word in body.get_content().split():
        if path_part in word and word.startswith("http"):
            return word
    raise AssertionError(f"no link with {path_part!r} in:\n{body.get_content()}")


def local_path(url: str) -> str:
    from django.conf import settings

    assert url.startswith(settings.SITE_URL), url
    return url[len(settings.SITE_URL) :]


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
