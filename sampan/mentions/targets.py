"""Which of our posts a mention is about, and whether it takes mentions.

A target is one of this site's post or page addresses (the site's own scheme, host and port, `SAMPAN_SITE_URL`)
that resolves to a live post or page without a password, whose own switch (`pings_open`) and the site-wide
one (`MentionSettings.receive`) are on.
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve

from sampan.blog.models import Post

from .links import normalised
from .models import MentionSettings

# Pingback 1.0's fault codes (§3): the XML-RPC endpoint answers with them; the other protocols use the message.
GENERIC = 0
SOURCE_MISSING = 0x0010
NO_LINK = 0x0011
TARGET_MISSING = 0x0020
TARGET_REFUSES = 0x0021
ALREADY_REGISTERED = 0x0030
ACCESS_DENIED = 0x0031
UPSTREAM_ERROR = 0x0032


class MentionRefused(Exception):
    """A mention we will not take, with Pingback's fault code and the HTTP status the other protocols use."""

    def __init__(self, message: str, *, code: int = GENERIC, http_status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.http_status = http_status


def is_own_site(url: str) -> bool:
    mine = normalised(settings.SITE_URL + "/")
    found = normalised(url)
    return bool(found) and urlsplit(found).netloc == urlsplit(mine).netloc and found[:5] == mine[:5]


def post_for_target(target: str) -> Post:
    """The post `target` names, ready to take a mention; `MentionRefused` says why not."""
    if not normalised(target):
        raise MentionRefused("The target must be an http or https address.", code=TARGET_MISSING)
    if not is_own_site(target):
        raise MentionRefused("The target is not on this site.", code=TARGET_REFUSES)
    post = public_post_at(target)
    if post is None:
        raise MentionRefused("The target is no post or page of this site.", code=TARGET_MISSING)
    if not (post.pings_open and MentionSettings.load().receive):
        raise MentionRefused("The target does not take mentions.", code=TARGET_REFUSES)
    return post


def public_post_at(url: str) -> Post | None:
    """The live, unprotected post or page of this site at `url`, or None."""
    if not is_own_site(url):
        return None
    post = _resolve(urlsplit(url).path or "/")
    return post if post is not None and post.is_live and not post.password else None


def _resolve(path: str) -> Post | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.view_name == "blog:post":
        post = Post.objects.posts().filter(slug=unquote(match.kwargs["slug"])).first()
        return post if post is not None and unquote(post.get_absolute_url()) == unquote(path) else None
    if match.view_name == "blog:page":
        slugs = [unquote(s) for s in match.kwargs["path"].split("/") if s]
        if not slugs:
            return None
        pages = Post.objects.pages().filter(slug=slugs[-1])
        return next((p for p in pages if p.page_path() == "/".join(slugs)), None)
    return None
