"""A reader's data rights across the site: what is kept about an email address, and forgetting it.

Each app that keeps something about a reader's address (comments, followers, …) registers a `Source` in its
`AppConfig.ready()`. The commenter's "see or erase my data" pages and the owner's admin tool then answer for
the whole site at once, without knowing the apps (core imports no app).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Source:
    name: str  # the key in the export, e.g. "comments"
    summary: Callable[[str], str]  # one line for the reader ("2 comments"), "" when nothing is kept
    export: Callable[[str], Any]  # everything kept, JSON-ready
    erase: Callable[[str], int]  # forget it all; how many records went
    # An opaque reference to one record holding the address, so a queued task can find the address again
    # without the queue storing it; `address` turns the reference back.
    reference: Callable[[str], int | None]
    address: Callable[[int], str | None]


_sources: dict[str, Source] = {}


def register(source: Source) -> None:
    _sources[source.name] = source


def sources() -> list[Source]:
    return list(_sources.values())


def normalise(email: str) -> str:
    return email.strip().lower()


def export(email: str) -> dict[str, Any]:
    email = normalise(email)
    return {"email": email, **{source.name: source.export(email) for source in sources()}}


def summaries(email: str) -> list[str]:
    email = normalise(email)
    return [line for line in (source.summary(email) for source in sources()) if line]


def erase(email: str) -> dict[str, int]:
    email = normalise(email)
    return {source.name: source.erase(email) for source in sources()}


def reference(email: str) -> str | None:
    """ "<source>:<id>" for some record holding `email`, or None when nothing is kept about it."""
    email = normalise(email)
    for source in sources():
        found = source.reference(email)
        if found is not None:
            return f"{source.name}:{found}"
    return None


def address(ref: str) -> str | None:
    name, _, number = ref.partition(":")
    source = _sources.get(name)
    if source is None or not number.isdigit():
        return None
    found = source.address(int(number))
    return normalise(found) if found else None
