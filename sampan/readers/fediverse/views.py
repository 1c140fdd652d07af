"""Fediverse sign-in's two addresses: the start (a form post naming the reader's account) and the callback."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sampan.core.origin import is_same_origin_post
from sampan.readers.formaction import lets_forms_leave

from . import flow


@csrf_exempt  # like every public form here, a same-origin check instead of a cookie the reader has yet to get
@require_http_methods(["GET", "POST"])
@never_cache
@lets_forms_leave  # the form's answer is a redirect to the reader's instance
def start(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form(request, account="", next_url=request.GET.get("next", "/"))
    account, next_url = request.POST.get("account", ""), request.POST.get("next", "/")
    if not is_same_origin_post(request):
        return _form(request, account, next_url, "Sign in from this site's own sign-in page.", status=403)
    try:
        return HttpResponseRedirect(flow.start_sign_in(request, account=account, next_url=next_url))
    except flow.SignInProblem as problem:
        return _form(request, account, next_url, problem.message, status=problem.status)


@require_GET
@never_cache
@lets_forms_leave  # a failed sign-in shows the form again
def callback(request: HttpRequest) -> HttpResponse:
    params = {name: request.GET.get(name, "") for name in ("state", "code", "error")}
    try:
        return flow.finish_sign_in(request, params=params)
    except flow.SignInProblem as problem:
        return _form(request, "", "/", problem.message, status=problem.status)


def _form(
    request: HttpRequest, account: str, next_url: str, error: str = "", *, status: int = 200
) -> HttpResponse:
    context = {"account": account, "next": next_url, "error": error}
    return render(request, "fediverse/sign_in.html", context, status=status)
