"""Password-protected posts: the reader types the post's password once; a signed cookie remembers it."""

import hashlib

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from sampan.core import pagecache

from .models import Post

COOKIE_PREFIX = "sampan_postpass_"
COOKIE_DAYS = 10
SALT = "sampan.blog.post-password"


def _fingerprint(post: Post) -> str:
    # Changes when the author changes the password, so old cookies stop working.
    return hashlib.sha256(f"{post.pk}:{post.password}".encode()).hexdigest()[:32]


def has_unlocked(request: HttpRequest, post: Post) -> bool:
    value = request.get_signed_cookie(f"{COOKIE_PREFIX}{post.pk}", default=None, salt=SALT)
    return value == _fingerprint(post)


def unlock(request: HttpRequest, post: Post) -> HttpResponse:
    if request.POST.get("post_password", "") == post.password:
        unlocked = HttpResponseRedirect(post.get_absolute_url())
        unlocked.set_signed_cookie(
            f"{COOKIE_PREFIX}{post.pk}", _fingerprint(post), salt=SALT, max_age=COOKIE_DAYS * 86400,
            httponly=True, samesite="Lax", secure=request.is_secure(),
        )  # fmt: skip
        return unlocked
    response = render(request, "blog/password_form.html", {"post": post, "error": True}, status=403)
    return pagecache.mark_uncacheable(response)
