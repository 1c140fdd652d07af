"""The follower's own page, behind the signed manage link in every mail: how often to get mail, follow-up
comment mail per post, unsubscribe (and follow again)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sampan.core import pagecache

from . import followups, links, services
from .models import Follower


def respond(request: HttpRequest, signed: links.Signed) -> HttpResponse:
    follower = services.follower_for(signed)
    message, error = "", ""
    if request.method == "POST":
        try:
            message = _act(follower, signed.email, request)
        except services.FollowRefused as err:
            error = str(err)
        if follower is not None:
            follower.refresh_from_db()
    context = {
        "follower": follower,
        "email": signed.email,
        "following": follower is not None and follower.status == Follower.Status.CONFIRMED,
        "frequencies": Follower.Frequency.choices,
        "follow_ups": followups.follow_up_posts(signed.email),
        "message": message,
        "error": error,
    }
    response = render(request, "followers/manage.html", context, status=400 if error else 200)
    response.headers["X-Robots-Tag"] = "noindex"
    return pagecache.mark_uncacheable(response)


def _act(follower: Follower | None, email: str, request: HttpRequest) -> str:
    action = request.POST.get("action", "")
    if action == "stop_comments":
        try:
            post_id = int(request.POST.get("post", ""))
        except ValueError as err:
            raise services.FollowRefused("Choose a post.") from err
        services.stop_follow_ups(post_id=post_id, email=email)
        return "No more mail about new comments on that post."
    if follower is None:
        raise services.FollowRefused("This address does not follow this blog.")
    if action == "frequency":
        services.set_frequency(follower, request.POST.get("frequency", ""))
        return "Saved: " + Follower.Frequency(follower.frequency).label.lower() + "."
    if action == "unsubscribe":
        services.unsubscribe(follower)
        return "You are unsubscribed: no more new-post mail."
    if action == "follow_again":
        services.request_follow(email=follower.email, source=follower.source)
        return "We sent you a new confirmation link: open it to follow again."
    raise services.FollowRefused("Choose what to change.")
