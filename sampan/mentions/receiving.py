"""Receiving mentions: take a Webmention, Pingback or Trackback, check its source really links to our post,
and keep it as a thought on the post (through the comments app, so moderation and spam rules apply).

- `accept_mention`: the checks every protocol shares before anything is fetched (addresses, target, limits);
  records a `ReceivedMention`.
- `verify_mention`: fetch the source (through the outbound fetcher), and keep, update or remove the mention.
  Webmentions are verified in the task worker; Pingback and Trackback answer the sender with the verdict, so
  they verify at once (with the same short limits).
"""

import logging
from datetime import datetime
from urllib.parse import urlsplit

from django.utils import timezone

from sampan.comments import services as comments
from sampan.comments.models import Comment
from sampan.core import ratelimit, retention
from sampan.core.outbound import OutboundError, OutboundRefused, OutboundTimeout, fetch

from .links import link_context, normalised, page_title
from .microformats import read_entry
from .models import ReceivedMention
from .photos import keep_photo
from .targets import (
    ACCESS_DENIED,
    NO_LINK,
    SOURCE_MISSING,
    UPSTREAM_ERROR,
    MentionRefused,
    is_own_site,
    post_for_target,
)

log = logging.getLogger(__name__)

MAX_URL = 2000
MAX_SOURCE_BYTES = 1024 * 1024
SOURCE_TIMEOUT = 10.0
# A flood of mentions naming one source host would make us a tool against that host (and fill the queue):
# each source host, and each client, gets a few a minute.
PER_SOURCE_HOST = (20, 60)
PER_CLIENT = (30, 300)
KEEP_REQUESTS = retention.PERIODS["mention_requests"][0]  # days, by default (core/retention.py)
_HTML = {"text/html", "application/xhtml+xml"}
Status = ReceivedMention.Status


def accept_mention(
    *,
    protocol: str,
    source: str,
    target: str,
    client: str,
    title: str = "",
    excerpt: str = "",
    blog_name: str = "",
) -> ReceivedMention:
    """A mention that passed the checks needing no fetch; `MentionRefused` (nothing stored) otherwise."""
    source, target = source.strip(), target.strip()
    if not source or not target:
        raise MentionRefused("Both source and target are required.")
    if len(source) > MAX_URL or len(target) > MAX_URL:
        raise MentionRefused(f"Addresses longer than {MAX_URL} characters are not taken.")
    if not normalised(source):
        raise MentionRefused("The source must be an http or https address.", code=SOURCE_MISSING)
    if normalised(source) == normalised(target):
        raise MentionRefused("The source and the target are the same page.", code=SOURCE_MISSING)
    post = post_for_target(target)
    host = urlsplit(normalised(source)).netloc
    if not ratelimit.allow("mention-client", client, limit=PER_CLIENT[0], window=PER_CLIENT[1]):
        raise MentionRefused(
            "Too many mentions from you; try again later.", code=ACCESS_DENIED, http_status=429
        )
    if not is_own_site(source) and not ratelimit.allow(
        "mention-source-host", host, limit=PER_SOURCE_HOST[0], window=PER_SOURCE_HOST[1]
    ):
        raise MentionRefused(
            f"Too many mentions from {host}; try again later.", code=ACCESS_DENIED, http_status=429
        )
    return ReceivedMention.objects.create(
        protocol=protocol, source=source, target=target, post=post,
        title=title.strip()[:300], excerpt=excerpt.strip()[:2000], blog_name=blog_name.strip()[:300],
    )  # fmt: skip


def verify_mention(received: ReceivedMention) -> ReceivedMention:
    """Fetch the source and decide. The verdict is on `received` (status, message); `MentionRefused` is never
    raised here, so the task worker and the synchronous protocols read the same record."""
    try:
        _verify(received)
    except MentionRefused as refused:
        _finish(received, Status.REJECTED, str(refused), code=refused.code)
    return received


def _verify(received: ReceivedMention) -> None:
    try:
        page = fetch(
            received.source, purpose=f"{received.protocol}-verify",
            max_bytes=MAX_SOURCE_BYTES, timeout=SOURCE_TIMEOUT,
        )  # fmt: skip
    except OutboundRefused as exc:
        raise MentionRefused(f"The source cannot be fetched: {exc}.", code=SOURCE_MISSING) from None
    except OutboundTimeout as exc:
        raise MentionRefused(f"The source did not answer in time: {exc}.", code=UPSTREAM_ERROR) from None
    except OutboundError as exc:
        raise MentionRefused(f"The source could not be fetched: {exc}.", code=UPSTREAM_ERROR) from None
    if page.status in {404, 410}:
        _remove(received, f"The source answered {page.status}: it is gone.", code=SOURCE_MISSING)
        return
    if page.status >= 400:
        raise MentionRefused(f"The source answered {page.status}.", code=UPSTREAM_ERROR)
    if page.content_type not in _HTML:
        raise MentionRefused(
            f"The source is not an HTML page ({page.content_type or 'no type'}).", code=NO_LINK
        )
    html = page.text
    context = link_context(html, base=page.url, target=received.target)
    if context is None:
        _remove(received, "The source does not link to the target.", code=NO_LINK)
        return
    _keep(received, html, page.url, context)


def _keep(received: ReceivedMention, html: str, url: str, context: str) -> None:
    entry = read_entry(html, url=url, target=received.target)
    kind = received.protocol
    mention_type = entry.mention_type if kind == ReceivedMention.Protocol.WEBMENTION else "mention"
    if mention_type == "reply":
        body = entry.text or context
    elif mention_type == "like":
        body = ""
    else:
        said = (
            received.excerpt if kind == ReceivedMention.Protocol.TRACKBACK and received.excerpt else context
        )
        body = f"[…] {said} […]" if said else ""
    name = entry.author_name or received.blog_name or page_title(html) or urlsplit(url).netloc
    comment = comments.receive_mention(
        post=received.post, kind=kind, source_url=received.source, body=body, author_name=name[:200],
        author_url=entry.author_url, author_photo=keep_photo(entry.author_photo),
        mention_type=mention_type, created_at=entry.published,
    )  # fmt: skip
    status_word = {"approved": "shown", "pending": "held for moderation", "spam": "marked as spam"}
    shown = status_word.get(comment.status, comment.get_status_display().lower())
    _finish(received, Status.ACCEPTED, f"Verified: a {mention_type}, {shown}.")


def _remove(received: ReceivedMention, why: str, *, code: int) -> None:
    # The source is gone or unlinked: whatever it sent us (a webmention and an old pingback, say) goes.
    removed = sum(
        comments.remove_mention(post=received.post, source_url=received.source, kind=kind)
        for kind in ReceivedMention.Protocol.values
    )
    if removed:
        _finish(received, Status.REMOVED, f"{why} The mention was removed.")
    else:
        _finish(received, Status.REJECTED, why, code=code)


def _finish(received: ReceivedMention, status: str, message: str, *, code: int = 0) -> None:
    received.status, received.message, received.checked_at = status, message[:500], timezone.now()
    received.fault_code = code
    received.save(update_fields=["status", "message", "checked_at", "fault_code"])
    log.info("%s from %s to %s: %s", received.protocol, received.source, received.target, message)


def forget_old_requests(*, now: datetime | None = None) -> int:
    """Requests past their retention period (90 days by default) go (the mentions they brought stay, as comments)."""
    cutoff = (now or timezone.now()) - retention.keep_for(
        "mention_requests"
    )  # 90 days unless the owner chose
    deleted, _ = ReceivedMention.objects.filter(received_at__lt=cutoff).delete()
    return deleted


def already_registered(*, post_id: int, source: str) -> bool:
    """Pingback's 0x0030: this source's mention of this post is already there (by any protocol: a page that sent
    a webmention and then pings too would otherwise show twice)."""
    return (
        Comment.objects.filter(post_id=post_id, source_url=source).exclude(kind=Comment.Kind.COMMENT).exists()
    )
