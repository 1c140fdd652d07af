"""The comments app's part of a reader's data rights (see `sampan.core.personal_data`)."""

from django.db.models.functions import Lower

from sampan.core.personal_data import Source

from . import services
from .models import Comment


def _mine(email: str):  # type: ignore[no-untyped-def]
    return Comment.objects.annotate(email=Lower("author_email")).filter(email=email)


def _summary(email: str) -> str:
    count = _mine(email).count()
    if not count:
        return ""
    return f"{count} comment{'s' if count != 1 else ''}, with the name and website given and the notification choices"


def _reference(email: str) -> int | None:
    return _mine(email).values_list("pk", flat=True).first()


def _address(pk: int) -> str | None:
    return Comment.objects.filter(pk=pk).values_list("author_email", flat=True).first()


SOURCE = Source(
    name="comments",
    summary=_summary,
    export=lambda email: services.personal_data(email)["comments"],
    erase=services.erase_personal_data,
    reference=_reference,
    address=_address,
)
