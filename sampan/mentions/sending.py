"""Sending mentions: tell each page a post links to that it was linked, by Webmention or else Pingback.

- `plan_mentions`: which links of a post to notify now: every link it has, and (on an update or withdrawal)
  every link it had before, so the other site can drop a mention that is no more (Webmention §3.1.4).
- `send_mention`: one link: discover the endpoint (`discovery`), send, record the answer; a timeout, a failed
  connection or a 5xx answer is tried again later, with growing waits.

Every request goes through the outbound fetcher. Each target host gets at most `PER_TARGET_HOST` requests a
minute from us, whatever posts ask for, so the blog cannot be turned into a flood at a third site.
"""

import logging
import xmlrpc.client
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from lxml import etree

from sampan.blog.models import Post
from sampan.core import ratelimit
from sampan.core.outbound import ConnectionFailed, Fetched, OutboundError, OutboundTimeout, fetch

from .discovery import pingback_server, webmention_endpoint
from .links import links_in, normalised
from .models import MentionSettings, SentMention
from .targets import ALREADY_REGISTERED, is_own_site

log = logging.getLogger(__name__)

PER_TARGET_HOST = (60, 60)  # one a second on average: a post's own links still go out promptly
MAX_ATTEMPTS = 5
FIRST_WAIT = timedelta(minutes=1)
PAGE_BYTES = 1024 * 1024
TIMEOUT = 15.0
MAX_TARGET = 1500  # longer links are no pages anyone mentions (and would not fit the record's unique index)
Status = SentMention.Status


class TryLater(Exception):
    """Not sent now (the other side failed for the moment): try again later."""


class HostBusy(TryLater):
    """The host had its share of requests from us this minute: wait, without counting an attempt."""


def source_of(post: Post) -> str:
    return settings.SITE_URL + post.get_absolute_url()


def may_send_for(post: Post) -> bool:
    return bool(post.is_live and not post.password and MentionSettings.load().send)


def plan_mentions(*, source: str, html: str, post: Post | None) -> list[SentMention]:
    """Queue a mention for each link in `html` (the post's body; "" once it is withdrawn) and for each link
    the post had before; returns what to send now."""
    allow_own = MentionSettings.load().send_to_own_site
    wanted = [
        url for url in links_in(html, base=source)
        if url != normalised(source) and len(url) <= MAX_TARGET and (allow_own or not is_own_site(url))
    ]  # fmt: skip
    queued = []
    for url in wanted:
        sent, _ = SentMention.objects.get_or_create(source=source, target=url, defaults={"post": post})
        queued.append(_queue(sent, post=post, still_linked=True))
    gone = SentMention.objects.filter(source=source, still_linked=True).exclude(target__in=wanted)
    for sent in gone:
        queued.append(_queue(sent, post=post, still_linked=False))
    return queued


def _queue(sent: SentMention, *, post: Post | None, still_linked: bool) -> SentMention:
    sent.post = post or sent.post
    sent.still_linked = still_linked
    sent.status, sent.attempts, sent.next_retry_at = Status.QUEUED, 0, None
    sent.save()
    return sent


def send_mention(sent: SentMention) -> SentMention:
    """One attempt at one link. When it must wait, the record says until when (`next_retry_at`), or that it
    gave up."""
    sent.attempts += 1
    sent.last_tried_at = timezone.now()
    try:
        _send(sent)
    except HostBusy as busy:
        sent.attempts -= 1  # our own limit is no failure of theirs
        sent.status, sent.response = Status.RETRYING, str(busy)
        sent.next_retry_at = sent.last_tried_at + FIRST_WAIT
    except TryLater as later:
        _retry(sent, str(later))
    except OutboundError as exc:
        sent.status, sent.response = Status.FAILED, str(exc)
    sent.response = sent.response[:500]
    sent.save()
    return sent


def _retry(sent: SentMention, why: str) -> None:
    if sent.attempts >= MAX_ATTEMPTS:
        sent.status, sent.response, sent.next_retry_at = Status.FAILED, f"Gave up: {why}", None
        return
    sent.status, sent.response = Status.RETRYING, why
    sent.next_retry_at = (sent.last_tried_at or timezone.now()) + FIRST_WAIT * 2 ** (sent.attempts - 1)


def _send(sent: SentMention) -> None:
    page = _get(sent.target, purpose="mention-discover")
    if page.status >= 500:
        raise TryLater(f"The linked page answered {page.status}.")
    endpoint = webmention_endpoint(page)
    if endpoint:
        sent.endpoint, sent.protocol = endpoint, SentMention.Protocol.WEBMENTION
        _send_webmention(sent)
        return
    server = pingback_server(page) if sent.still_linked else None  # Pingback has no way to say "unlinked"
    if server:
        sent.endpoint, sent.protocol = server, SentMention.Protocol.PINGBACK
        _send_pingback(sent)
        return
    sent.status, sent.response = (
        Status.NO_ENDPOINT,
        "The page advertises no Webmention endpoint or Pingback server.",
    )


def _get(
    url: str,
    *,
    purpose: str,
    method: str = "GET",
    data: dict[str, str] | bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Fetched:
    host = urlsplit(url).netloc
    if not ratelimit.allow("mention-send-host", host, limit=PER_TARGET_HOST[0], window=PER_TARGET_HOST[1]):
        raise HostBusy(f"Waiting: {host} had enough requests from us this minute.")
    try:
        return fetch(
            url,
            purpose=purpose,
            method=method,
            data=data,
            headers=headers,
            max_bytes=PAGE_BYTES,
            timeout=TIMEOUT,
        )
    except (OutboundTimeout, ConnectionFailed) as exc:
        raise TryLater(str(exc)) from None


def _send_webmention(sent: SentMention) -> None:
    answer = _get(
        sent.endpoint,
        purpose="webmention-send",
        method="POST",
        data={"source": sent.source, "target": sent.target},
    )
    if answer.status >= 500 or answer.status == 429:
        raise TryLater(f"The endpoint answered {answer.status}.")
    if 200 <= answer.status < 300:
        where = answer.headers.get("location", "")
        sent.status = Status.SENT
        sent.response = f"{answer.status} accepted" + (f"; status at {where}" if where else "")
        return
    sent.status, sent.response = Status.FAILED, f"{answer.status}: {answer.text[:300].strip()}"


def _send_pingback(sent: SentMention) -> None:
    call = xmlrpc.client.dumps((sent.source, sent.target), methodname="pingback.ping").encode()
    answer = _get(
        sent.endpoint, purpose="pingback-send", method="POST", data=call, headers={"Content-Type": "text/xml"}
    )
    if answer.status >= 500:
        raise TryLater(f"The Pingback server answered {answer.status}.")
    fault = _fault_of(answer.body)
    if fault is None:
        sent.status, sent.response = Status.SENT, "Pingback registered."
    elif fault[0] == ALREADY_REGISTERED:
        sent.status, sent.response = Status.SENT, f"Already registered ({fault[1]})."
    else:
        sent.status, sent.response = Status.FAILED, f"Fault {fault[0]:#06x}: {fault[1]}"


def _fault_of(body: bytes) -> tuple[int, str] | None:
    """The (code, string) of an XML-RPC fault answer, None for a success; read with entities and the
    network off."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return (-1, "The Pingback server's answer is not XML-RPC.")
    if root.find("fault") is None:
        return None
    members = {m.findtext("name"): m.find("value") for m in root.iter("member")}
    code_value, text_value = members.get("faultCode"), members.get("faultString")
    code_text = "".join(code_value.itertext()).strip() if code_value is not None else ""
    text = "".join(text_value.itertext()).strip() if text_value is not None else ""
    return (int(code_text) if code_text.lstrip("-").isdigit() else 0), text[:300]
