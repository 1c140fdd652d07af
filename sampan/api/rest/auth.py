"""Who is asking: HTTP Basic with a user name and an application password, as WordPress's REST API.

Sessions are never accepted: a browser's cookie cannot make a write, so the API has no CSRF surface. Reads work
without credentials (published, unprotected content only); a read that sends credentials must send good ones.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBasicAuth
from ninja.security.http import DecodeError

from sampan.api import passwords
from sampan.blog.models import Post
from sampan.blog.roles import can_edit_others_posts

REALM = "Sampan API"


class MissingCredentials(passwords.AuthenticationFailed):
    """No usable Authorization header on an operation that needs one."""


class BasicAuth(HttpBasicAuth):
    """Application passwords only; a wrong one is a 401 (never a silent fall back to anonymous)."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        if not header:
            raise MissingCredentials("This operation needs a user name and an application password.")
        try:
            username, password = self.decode_authorization(header)
        except DecodeError:
            raise MissingCredentials("The Authorization header is not HTTP Basic.") from None
        return self.authenticate(request, username, password)

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        # AuthenticationFailed and TooManyAttempts go on to the API's handlers (401 and 429).
        return passwords.authenticate(username=username, password=password, request=request)


basic_auth = BasicAuth()


def reader(request: HttpRequest) -> Any:
    """The signed-in writer if credentials came along, else an anonymous reader."""
    if "Authorization" not in request.headers:
        return AnonymousUser()
    return basic_auth(request)


def _refuse(message: str) -> None:
    raise HttpError(403, message)


def may_edit(user: Any, post: Post) -> bool:
    if post.is_page:
        return can_edit_others_posts(user)
    return user.has_perm("blog.change_post") and (post.author_id == user.pk or can_edit_others_posts(user))


def check_create(user: Any, *, kind: str) -> None:
    if kind == Post.Kind.PAGE and not can_edit_others_posts(user):
        _refuse("Only editors and administrators may create pages.")
    if not user.has_perm("blog.add_post"):
        _refuse("You may not create posts.")


def check_edit(user: Any, post: Post) -> None:
    if not may_edit(user, post):
        _refuse("You may not edit this " + post.kind + ".")


def check_delete(user: Any, post: Post) -> None:
    if not (may_edit(user, post) and user.has_perm("blog.delete_post")):
        _refuse("You may not delete this " + post.kind + ".")
