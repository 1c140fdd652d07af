"""Pingback 1.0 over XML-RPC: `pingback.ping` and `pingback.extensions.getPingbacks`.

The spec has the server answer `pingback.ping` with the verdict (a string, or a fault with its codes: 0x0010
the source is missing, 0x0011 it does not link to the target, 0x0020 no such target, 0x0021 the target takes
no pingbacks, 0x0030 already registered, 0x0031 access denied, 0x0032 the source's server failed), so the
source is fetched before answering, through the outbound fetcher with its short limits.
"""

from typing import Any
from xmlrpc.client import Fault

from django.http import HttpRequest

from sampan.comments.models import Comment
from sampan.core import ratelimit
from sampan.mentions import receiving, targets
from sampan.mentions.models import ReceivedMention

from .dispatch import method


@method("pingback.ping")
def ping(request: HttpRequest, source: Any, target: Any) -> str:
    if not isinstance(source, str) or not isinstance(target, str):
        raise Fault(targets.GENERIC, "The source and target must be strings.")
    try:
        post = targets.post_for_target(target)
        if receiving.already_registered(post_id=post.pk, source=source.strip()):
            raise Fault(targets.ALREADY_REGISTERED, "The pingback has already been registered.")
        received = receiving.accept_mention(
            protocol=ReceivedMention.Protocol.PINGBACK, source=source, target=target,
            client=ratelimit.client_key(request),
        )  # fmt: skip
    except targets.MentionRefused as refused:
        raise Fault(refused.code, str(refused)) from None
    receiving.verify_mention(received)
    if received.status != ReceivedMention.Status.ACCEPTED:
        raise Fault(received.fault_code or targets.SOURCE_MISSING, received.message)
    return f"Pingback from {source} to {target} registered. Keep the web talking! :-)"


@method("pingback.extensions.getPingbacks")
def get_pingbacks(request: HttpRequest, url: Any) -> list[str]:
    """The sources of the approved pingbacks of one of our posts (a de facto extension WordPress has too)."""
    post = targets.public_post_at(url) if isinstance(url, str) else None
    if post is None:
        raise Fault(targets.TARGET_MISSING, "The specified target URI does not exist.")
    approved = Comment.objects.filter(post=post, kind=Comment.Kind.PINGBACK, status=Comment.Status.APPROVED)
    return list(approved.order_by("created_at").values_list("source_url", flat=True))
