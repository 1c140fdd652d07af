"""The reader's account page, /accounts/you/: their name and website, ways in, passkeys, and their data.

Thin views: the operations are in `account_services.py` and `personal.py`. Every change is a POST under
Django's CSRF check; a signed-in reader already has the CSRF cookie.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from . import account_services, personal
from .account_forms import DeleteAccountForm, ProfileForm
from .models import METHODS


def reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in readers only: anyone else goes to the sign-in page, and staff are told where theirs is."""

    @wraps(view)
    @never_cache
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account_login"))
        if not account_services.is_reader(request.user):
            return render(request, "readers/account/staff.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _ways_in(user: Any) -> list[dict[str, str]]:
    ways = [
        {"method": METHODS["email"], "identity": address.email}
        for address in EmailAddress.objects.filter(user=user, verified=True).order_by("email")
    ]
    for account in SocialAccount.objects.filter(user=user).order_by("pk"):
        data = account.extra_data or {}
        identity = data.get("profile_url") or data.get("display_name") or data.get("issuer") or account.uid
        ways.append({"method": METHODS.get(account.provider, account.provider), "identity": str(identity)})
    return ways


@require_http_methods(["GET", "HEAD", "POST"])
@reader_required
def account(request: HttpRequest) -> HttpResponse:
    from .passkeys import passkeys_of

    reader = account_services.account_reader(request.user)
    form = ProfileForm(
        request.POST or None, initial={"display_name": reader.display_name, "website": reader.website}
    )
    if request.method == "POST" and form.is_valid():
        account_services.update_profile(reader, **form.cleaned_data)
        messages.success(request, "Your name and website are saved.")
        return HttpResponseRedirect(reverse("reader_account:home"))
    context = {
        "reader": reader,
        "form": form,
        "ways_in": _ways_in(request.user),
        "passkeys": passkeys_of(request.user),
    }
    return render(request, "readers/account/home.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "HEAD"])
@reader_required
def export(request: HttpRequest) -> HttpResponse:
    data = {"exported": timezone.now().isoformat(), **personal.export(request.user)}
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str), content_type="application/json"
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    return response


@require_POST
@reader_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    account_services.sign_out_everywhere(request.user)
    logout(request)
    return render(request, "readers/account/signed_out.html")


@require_http_methods(["GET", "HEAD", "POST"])
@reader_required
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        personal.delete_account(user, keep_comments=form.keep_comments)
        return render(request, "readers/account/deleted.html", {"kept": form.keep_comments})
    return render(request, "readers/account/delete.html", {"form": form}, status=400 if form.errors else 200)
