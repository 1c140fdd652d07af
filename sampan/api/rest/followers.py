"""Followers by email: how many there are is public (the sidebar shows it); who they are is the owner's."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from sampan.followers import services
from sampan.followers.models import Follower

from . import auth
from .paging import MAX_PER_PAGE, paginate
from .posts import READ_ERRORS
from .schemas import ErrorOut

followers_router = Router(tags=["followers"])
Page = Annotated[int, Field(ge=1, le=1_000_000)]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE)]
FollowerStatus = Literal["pending", "confirmed", "unsubscribed", "bouncing"]
Frequency = Literal["instant", "weekly"]


class FollowerCount(Schema):
    count: int = Field(description="Confirmed followers: the number the Follow Blog via Email widget shows.")


class FollowerOut(Schema):
    id: int
    email: str
    status: FollowerStatus = Field(
        description="pending (not confirmed yet), confirmed, unsubscribed, bouncing."
    )
    frequency: Frequency = Field(description="instant: each new post; weekly: a digest.")
    source: Literal["form", "comment", "import"]
    created: datetime = Field(description="When they asked to follow (UTC).")
    confirmed: datetime | None
    unsubscribed: datetime | None
    hard_bounces: int


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment is not None else None


def _follower_json(follower: Follower) -> dict[str, Any]:
    return {"id": follower.pk, "email": follower.email, "status": follower.status, "frequency": follower.frequency,
            "source": follower.source, "created": _utc(follower.created_at), "confirmed": _utc(follower.confirmed_at),
            "unsubscribed": _utc(follower.unsubscribed_at), "hard_bounces": follower.hard_bounces}  # fmt: skip


@followers_router.get("/count/", response={200: FollowerCount, **READ_ERRORS}, operation_id="count_followers",
                      summary="How many follow by email")  # fmt: skip
def count_followers(request: HttpRequest) -> Any:
    auth.reader(request)
    return {"count": services.confirmed_count()}


@followers_router.get("/", response={200: list[FollowerOut], 403: ErrorOut, **READ_ERRORS}, auth=auth.basic_auth,
                      operation_id="list_followers", summary="List followers (administrators)")  # fmt: skip
def list_followers(
    request: HttpRequest,
    response: HttpResponse,
    page: Page = 1,
    per_page: PerPage = 10,
    status: FollowerStatus | None = None,
    frequency: Frequency | None = None,
) -> Any:
    """Every address, newest first, whatever its status (pending ones are deleted after 7 days unconfirmed).
    Administrators only: addresses are the followers' personal data."""
    if not request.auth.has_perm("followers.view_follower"):  # type: ignore[attr-defined]
        raise HttpError(403, "Only administrators may list followers.")
    bounds = {"status": status, "frequency": frequency}
    followers = Follower.objects.filter(**{k: v for k, v in bounds.items() if v is not None}).order_by(
        "-created_at", "-id"
    )
    return [_follower_json(f) for f in paginate(followers, page=page, per_page=per_page, request=request,
                                                 response=response)]  # fmt: skip
