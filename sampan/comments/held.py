"""A commenter sees their own comment while it waits for moderation; nobody else does.

After posting, the commenter's browser gets a signed, HTTP-only cookie listing the ids of their comments that
are not public yet. Its name starts with `sampan_`, which is what keeps the page cache away from that browser
(`sampan.core.pagecache.PERSONAL_COOKIES`): the pages it sees are rendered for it alone, and nothing rendered
for it is ever stored for others. It holds only comment ids, is set only by posting a comment, and lapses
after a week. A signed-in writer's held comments are found through their account instead.
"""

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "sampan_held_comments"
SALT = "sampan.comments.held"
MAX_AGE = 7 * 24 * 3600
MAX_IDS = 20  # the most recent ones; an older comment has long been moderated


def held_ids(request: HttpRequest) -> list[int]:
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE) or ""
    return [int(part) for part in value.split(",") if part.isascii() and part.isdigit()][-MAX_IDS:]


def remember(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    ids = [i for i in held_ids(request) if i != comment_id]
    _set(response, [*ids, comment_id][-MAX_IDS:])


def _set(response: HttpResponse, ids: Iterable[int]) -> None:
    response.set_signed_cookie(
        COOKIE,
        ",".join(str(i) for i in ids),
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


# Right after posting, the commenter's next page shows their private manage link once. The comment's id rides
# in a short-lived signed cookie (not in the address, which people copy and share); the page that shows the
# link also removes the cookie (`ForgetPostedNotice`).
POSTED_COOKIE = "sampan_posted"
POSTED_SALT = "sampan.comments.posted"
POSTED_MAX_AGE = 600
SHOWN_ATTRIBUTE = "sampan_posted_notice_shown"


def remember_posted(response: HttpResponse, comment_id: int) -> None:
    response.set_signed_cookie(
        POSTED_COOKIE,
        str(comment_id),
        salt=POSTED_SALT,
        max_age=POSTED_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def posted_id(request: HttpRequest) -> int | None:
    value = (
        request.get_signed_cookie(POSTED_COOKIE, default="", salt=POSTED_SALT, max_age=POSTED_MAX_AGE) or ""
    )
    return int(value) if value.isascii() and value.isdigit() else None


class ForgetPostedNotice:
    """Middleware: once a page has shown the manage link, the browser forgets the cookie that asked for it."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, SHOWN_ATTRIBUTE, False):
            response.delete_cookie(POSTED_COOKIE, samesite="Lax")
        return response  # type: ignore[no-any-return]
