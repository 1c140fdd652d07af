"""The follower's pages: the follow form, and the pages behind the signed links in their mail.

The follow form takes a same-origin POST with no prior cookie (so the sidebar's form works on cached pages);
it is rate limited per client. The signed-link pages show what a button will do and act only on POST; the
signature is the authority there, so they need no cookie either, and the unsubscribe POST also answers mail
programs' RFC 8058 one-click requests (`List-Unsubscribe=One-Click`), which come from no page at all.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sampan.core import origin, pagecache, ratelimit

from . import links, services
from . import manage as manage_page
from .models import Follower

FOLLOWS_PER_HOUR = 10


def _page(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    response = render(request, f"followers/{template}", context, status=status)
    response.headers["X-Robots-Tag"] = "noindex"
    return pagecache.mark_uncacheable(response) if request.method == "POST" or status != 200 else response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "follow.html", {})
    email = request.POST.get("email", "")
    if not origin.is_same_origin_post(request):
        return _page(request, "follow.html", {"email": email, "error": _CROSS_SITE}, status=403)
    if not ratelimit.allow("follow", ratelimit.client_key(request), limit=FOLLOWS_PER_HOUR, window=3600):
        return _page(request, "follow.html", {"email": email, "error": _TOO_MANY}, status=429)
    try:
        services.request_follow(email=email)
    except services.FollowRefused as err:
        return _page(request, "follow.html", {"email": email, "error": str(err)}, status=400)
    return _page(request, "follow_sent.html", {})


_CROSS_SITE = "This form only works from this site's own pages. Please try again from here."
_TOO_MANY = "Too many requests from your connection. Please try again in an hour."


def _signed(purpose: str) -> Callable:  # type: ignore[type-arg]
    """A view behind a signed link: a clear page for a bad or expired link, else `view(request, signed)`."""

    def wrap(view: Callable) -> Callable:  # type: ignore[type-arg]
        @csrf_exempt
        @require_http_methods(["GET", "HEAD", "POST"])
        def signed_view(request: HttpRequest, token: str) -> HttpResponse:
            try:
                signed = links.read(purpose, token)
            except links.LinkExpired:
                return _page(request, "link_problem.html", {"expired": True, "purpose": purpose}, status=410)
            except links.LinkInvalid:
                return _page(request, "link_problem.html", {"purpose": purpose}, status=400)
            response = view(request, signed)
            return pagecache.mark_uncacheable(response)

        return signed_view

    return wrap


@_signed("confirm")
def confirm(request: HttpRequest, signed: links.Signed) -> HttpResponse:
    follower = services.follower_for(signed)
    if follower is None:
        return _page(request, "link_problem.html", {"expired": True, "purpose": "confirm"}, status=410)
    if request.method == "POST":
        services.confirm(follower)
    state = "done" if follower.status == Follower.Status.CONFIRMED else follower.status
    return _page(request, "confirm.html", {"follower": follower, "state": state})


@_signed("unsubscribe")
def unsubscribe(request: HttpRequest, signed: links.Signed) -> HttpResponse:
    follower = services.follower_for(signed)
    if request.method == "POST" and follower is not None:
        services.unsubscribe(follower)
    following = follower is not None and follower.status in (
        Follower.Status.CONFIRMED,
        Follower.Status.PENDING,
    )
    return _page(request, "unsubscribe.html", {"email": signed.email, "following": following})


@_signed("manage")
def manage(request: HttpRequest, signed: links.Signed) -> HttpResponse:
    return manage_page.respond(request, signed)


@_signed("stop_comments")
def stop_comments(request: HttpRequest, signed: links.Signed) -> HttpResponse:
    stopped = services.follow_ups_stopped(post_id=signed.post_id, email=signed.email)
    if request.method == "POST" and not stopped:
        services.stop_follow_ups(post_id=signed.post_id, email=signed.email)
        stopped = True
    post = services.post_titled(signed.post_id)
    return _page(request, "stop_comments.html", {"post": post, "stopped": stopped, "email": signed.email})
