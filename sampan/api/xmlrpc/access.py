"""Who is calling, and what they may do: application passwords for sign-in, the blog's roles for the rest.

Authors write and change their own posts; editors and administrators everyone's, and the pages (as in the
admin). Refusals use WordPress's fault codes and words, which blogging apps show as they are.
"""

import math
from typing import Any
from xmlrpc.client import Fault

from django.http import HttpRequest

from sampan.api.passwords import AuthenticationFailed, TooManyAttempts, authenticate
from sampan.blog.models import Post
from sampan.blog.roles import can_edit_others_posts

from .params import text


def sign_in(request: HttpRequest, username: Any, password: Any) -> Any:
    try:
        return authenticate(
            username=text(username, "username"), password=text(password, "password"), request=request
        )
    except AuthenticationFailed:
        raise Fault(403, "Incorrect username or password.") from None
    except TooManyAttempts as err:
        minutes = math.ceil(err.retry_after / 60)
        wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
        raise Fault(
            429, f"Too many failed sign-ins from here or for this account; try again in {wait}."
        ) from None


def edits_all(user: Any) -> bool:
    return can_edit_others_posts(user)


def may_write(user: Any, *, kind: str, action: str) -> bool:
    """May this user `add`/`change`/`delete` posts of this kind at all (their own, at least)?"""
    if not user.has_perm(f"blog.{action}_post"):
        return False
    return kind != Post.Kind.PAGE or edits_all(user)


def check_may_create(user: Any, *, kind: str) -> None:
    if not may_write(user, kind=kind, action="add"):
        noun = "pages" if kind == Post.Kind.PAGE else "posts"
        raise Fault(401, f"Sorry, you are not allowed to create {noun} on this site.")


def check_may_edit(user: Any, post: Post) -> None:
    if not (may_write(user, kind=post.kind, action="change") and _owns_or_edits_all(user, post)):
        raise Fault(401, "Sorry, you are not allowed to edit this post.")


def check_may_delete(user: Any, post: Post) -> None:
    if not (may_write(user, kind=post.kind, action="delete") and _owns_or_edits_all(user, post)):
        raise Fault(401, "Sorry, you are not allowed to delete this post.")


def _owns_or_edits_all(user: Any, post: Post) -> bool:
    return post.author_id == user.pk or edits_all(user)


def find_post(post_id: Any) -> Post:
    try:
        number = int(str(post_id).strip())
    except ValueError:
        number = 0
    found = 0 < number < 2**63
    post = Post.objects.select_related("author").filter(pk=number).first() if found else None
    if post is None:
        raise Fault(404, "Invalid post ID.")
    return post


def editable_posts(user: Any) -> Any:
    """The posts and pages this user may open in an app."""
    posts = Post.objects.select_related("author").prefetch_related("categories", "tags")
    return posts if edits_all(user) else posts.filter(author=user)
