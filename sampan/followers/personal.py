"""A reader's data here, for their rights: what is kept about an address, and forgetting it entirely.

(The comments app answers for comments; the two can be called side by side from one request.)
"""

from typing import Any

from sampan.core import pagecache

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
