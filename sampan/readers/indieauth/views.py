"""Sign in with your website: the start (a form post naming the reader's site) and the callback from their server."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sampan.core.origin import is_same_origin_post
from sampan.core.ratelimit import allow, client_key
from sampan.readers.formaction import lets_forms_leave
from sampan.readers.services import refused, sign_in_identity

from . import flow
from .discovery import DiscoveryFailed, discover
from .profile_url import NotAProfileURL, profile_url

# Each start fetches the reader's site: enough for typos, not enough to make this server fetch for a crawler.
STARTS_PER_WINDOW = 10
WINDOW = 10 * 60
TYPED_LIMIT = 500


@csrf_exempt  # like every public form here, a same-origin check instead of a cookie the reader has yet to get
@require_http_methods(["GET", "POST"])
@never_cache
@lets_forms_leave  # the form shown again posts here, and the answer to that post leads to the reader's server
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form(request, me="", next_url=request.GET.get("next", "/")[:TYPED_LIMIT])
    typed, next_url = request.POST.get("me", "")[:TYPED_LIMIT], request.POST.get("next", "/")[:TYPED_LIMIT]
    if not is_same_origin_post(request):
        return _form(request, typed, next_url, "Sign in from this site's own sign-in page.", status=403)
    if not allow("indieauth-start", client_key(request), limit=STARTS_PER_WINDOW, window=WINDOW):
        return _form(
            request, typed, next_url, "Too many sign-in attempts: please wait a few minutes.", status=429
        )
    try:
        profile = profile_url(typed)
        server = discover(profile)
    except (NotAProfileURL, DiscoveryFailed) as exc:
        return _form(request, typed, next_url, str(exc), status=400)
    return HttpResponseRedirect(
        flow.authorization_url(request, profile=profile, server=server, next_url=next_url)
    )


@require_GET
@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    try:
        signed_in = flow.finish(request, request.GET)
    except flow.SignInRefused as exc:
        return refused(request, str(exc), status=400)
    return sign_in_identity(
        request,
        method="indieauth",
        issuer=signed_in.issuer,
        subject=signed_in.me,
        display_name=signed_in.display_name,
        profile_url=signed_in.me,
        avatar_url=signed_in.photo,
        next_url=signed_in.next_url,
    )


def _form(
    request: HttpRequest, me: str, next_url: str, error: str = "", *, status: int = 200
) -> HttpResponse:
    context = {"me": me, "next": next_url, "error": error}
    return render(request, "indieauth/sign_in.html", context, status=status)
