"""Where a post's discussion (comments, pingbacks) comes from.

The blog shows a "N thoughts on “Title”" section and comment feeds, but does not own comments. The app that
does registers a provider in its `AppConfig.ready()`: `discussion.register(provider)`. Without one, every post
has no thoughts yet and the comment feeds are empty but valid.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.http import HttpRequest

from .models import Post


@dataclass(frozen=True)
class Thought:
    """One comment, pingback, trackback or webmention, as feeds show it."""

    post: Post
    author_name: str
    content_html: str
    published_at: datetime
    url: str
    guid: str
    kind: str = "comment"


@dataclass
class Discussion:
    post: Post
    count: int = 0
    section_template: str = ""
    extra: dict = field(default_factory=dict)


class Provider(Protocol):
    def for_post(self, post: Post, request: HttpRequest) -> Discussion: ...
    def latest(self, *, limit: int, post: Post | None = None) -> Sequence[Thought]: ...


_provider: Provider | None = None


def register(provider: Provider) -> None:
    global _provider
    _provider = provider


def for_post(post: Post, request: HttpRequest) -> Discussion:
    """The discussion as `request`'s reader sees it (their own held comments, a reply form they opened)."""
    return _provider.for_post(post, request) if _provider else Discussion(post=post)


def latest(*, limit: int, post: Post | None = None) -> Sequence[Thought]:
    return _provider.latest(limit=limit, post=post) if _provider else []
