"""Operations on core's own records."""

from datetime import timedelta

from django.utils import timezone

from .models import OutboundRequest


def forget_outbound_requests(*, older_than: timedelta = timedelta(days=90)) -> int:
    """Delete ledger rows older than `older_than`; returns how many went. The ledger is for the owner to check
    recent traffic, not a history of every site the blog ever linked to."""
    deleted, _ = OutboundRequest.objects.filter(created__lt=timezone.now() - older_than).delete()
    return deleted
