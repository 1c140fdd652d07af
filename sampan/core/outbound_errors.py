"""What can go wrong with an outbound request, each with a one-line message an owner can read in the ledger."""


class OutboundError(Exception):
    """The request did not bring back an answer. `str(error)` is one line saying why."""

    outcome = "failed"

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


class OutboundRefused(OutboundError):
    """Sampan would not send it: the address, scheme, port or a redirect's target is not allowed."""

    outcome = "refused"


class ConnectionFailed(OutboundError):
    """The host could not be found or reached, or its TLS certificate did not check out."""


class OutboundTimeout(OutboundError):
    """The whole exchange took longer than the time allowed."""

    outcome = "timed-out"


class ResponseTooLarge(OutboundError):
    """The answer (after decompression) was bigger than the size allowed; reading stopped there."""

    outcome = "too-large"


class TooManyRedirects(OutboundError):
    """Redirects went on past the limit (or in a loop)."""


class BadResponse(OutboundError):
    """The server's answer was not HTTP Sampan can read."""
