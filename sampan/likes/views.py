"""The like form: a plain POST that answers 303 back to the post, or JSON for likes.js (no reload)."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sampan.blog.models import Post
from sampan.core import ratelimit
from sampan.core.origin import is_same_origin_post

from . import browser_cookie, services
from .templatetags.likes import section_context

# Generous per address, so a family or an office behind one address can all like; tight enough to stop a script.
LIMIT, WINDOW = 30, 600


@csrf_exempt  # a public form that needs no prior cookie; the browser's own origin headers are checked instead
@require_POST
def like(request: HttpRequest, post_id: int) -> HttpResponse:
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not services.is_likable(post):
        raise Http404("No such post.")
    if not is_same_origin_post(request):
        return _refuse(request, post, "Likes are taken only from this site's own pages.", status=403)
    if not ratelimit.allow("like", ratelimit.client_key(request), limit=LIMIT, window=WINDOW):
        return _refuse(
            request, post, "Too many likes from your network just now; try again in a few minutes.", 429
        )
    token = browser_cookie.read_token(request)
    if request.POST.get("action") == "unlike":
        if token:
            services.unlike_post(post=post, token=token)
        keep_cookie = bool(token) and services.likes_anything(token=token or "")
    else:
        token = token or browser_cookie.new_token()
        try:
            services.like_post(post=post, token=token, name=request.POST.get("name", ""))
        except services.LikeRefused as refused:
            return _refuse(request, post, str(refused), status=400)
        keep_cookie = True
    response = _answer(request, post, token if keep_cookie else None)
    if keep_cookie and token:
        browser_cookie.remember(response, token)
    else:
        browser_cookie.forget(response)
    return response


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _answer(request: HttpRequest, post: Post, token: str | None) -> HttpResponse:
    if _wants_json(request):
        context = section_context(post, token)
        html = render_to_string("likes/_section.html", context, request=request)
        return JsonResponse({"count": context["line"].count, "liked": context["liked"], "html": html})
    response = HttpResponse(status=303)
    response["Location"] = post.get_absolute_url() + "#likes"
    return response


def _refuse(request: HttpRequest, post: Post, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    context = {"post": post, "message": message, "name": request.POST.get("name", "")[:200]}
    return render(request, "likes/refused.html", context, status=status)
