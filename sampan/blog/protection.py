"""Password-protected posts: the reader types the post's password once; a signed cookie remembers it."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.crypto import constant_time_compare, salted_hmac

from sampan.core import pagecache

from .models import Post

COOKIE_PREFIX = "sampan_postpass_"
COOKIE_DAYS = 10
SALT = "sampan.blog.post-password"


def _fingerprint(post: Post) -> str:
    # Changes when the author changes the password, so old cookies stop working. Keyed with the site's
    # secret, so the cookie's value cannot be used to guess the password offline.
    return salted_hmac(SALT, f"{post.pk}:{post.password}", algorithm="sha256").hexdigest()[:32]


def has_unlocked(request: HttpRequest, post: Post) -> bool:
    value = request.get_signed_cookie(
        f"{COOKIE_PREFIX}{post.pk}", default=None, salt=SALT, max_age=timedelta(days=COOKIE_DAYS)
    )
    return value is not None and constant_time_compare(value, _fingerprint(post))


def unlock(request: HttpRequest, post: Post) -> HttpResponse:
    if constant_time_compare(request.POST.get("post_password", ""), post.password):
        unlocked = HttpResponseRedirect(post.get_absolute_url())
        unlocked.set_signed_cookie(
            f"{COOKIE_PREFIX}{post.pk}", _fingerprint(post), salt=SALT, max_age=COOKIE_DAYS * 86400,
            httponly=True, samesite="Lax", secure=request.is_secure(),
        )  # fmt: skip
        return unlocked
    response = render(request, "blog/password_form.html", {"post": post, "error": True}, status=403)
    return pagecache.mark_uncacheable(response)
