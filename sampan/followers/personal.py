"""A reader's data here, for their rights: what is kept about an address, and forgetting it entirely.

Registered with `sampan.core.personal_data`, so the site's "see or erase my data" pages cover following too.
"""

from typing import Any

from sampan.core import pagecache
from sampan.core.personal_data import Source

from .models import Follower, FollowUpDelivery, FollowUpStop


def personal_data(email: str) -> dict[str, Any]:
    email = email.strip().lower()
    follower = Follower.objects.filter(email=email).first()
    kept: dict[str, Any] = {"follower": None}
    if follower is not None:
        kept["follower"] = {
            "email": follower.email,
            "status": follower.status,
            "frequency": follower.frequency,
            "source": follower.source,
            "asked": follower.created_at,
            "confirmed": follower.confirmed_at,
            "unsubscribed": follower.unsubscribed_at,
            "hard_bounces": follower.hard_bounces,
            "posts_sent": follower.deliveries.count(),
        }
    kept["comment_mail_stopped_for_posts"] = list(
        FollowUpStop.objects.filter(email=email).values_list("post_id", flat=True)
    )
    return kept


def erase_personal_data(email: str) -> int:
    """Forget an address: its follower row, what was sent to it, its "stop these" choices."""
    email = email.strip().lower()
    deleted, _ = Follower.objects.filter(email=email).delete()
    stops, _ = FollowUpStop.objects.filter(email=email).delete()
    sent, _ = FollowUpDelivery.objects.filter(email=email).delete()
    if deleted:
        pagecache.invalidate()  # the widget's count
    return deleted + stops + sent


def _summary(email: str) -> str:
    follower = Follower.objects.filter(email=email).first()
    stops = FollowUpStop.objects.filter(email=email).count()
    parts = []
    if follower is not None:
        parts.append(f"a subscription to new posts ({follower.get_status_display().lower()})")
    if stops:
        parts.append(f"{stops} stopped comment notification{'s' if stops != 1 else ''}")
    return " and ".join(parts)


def _reference(email: str) -> int | None:
    return Follower.objects.filter(email=email).values_list("pk", flat=True).first()


def _address(pk: int) -> str | None:
    return Follower.objects.filter(pk=pk).values_list("email", flat=True).first()


SOURCE = Source(
    name="followers",
    summary=_summary,
    export=personal_data,
    erase=erase_personal_data,
    reference=_reference,
    address=_address,
)
