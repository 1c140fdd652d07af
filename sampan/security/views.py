"""The admin's sign-in: password (with lockout), then the two-step code for writers who turned it on.

Between the two steps the session holds only who passed the password and when; the writer is signed in (and
the session key renewed) only after the code. Tests that use `force_login` skip both steps by design.
"""

import time
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from . import codes, lockout
from .forms import CodeForm, SignInForm

PENDING = "sampan_signin"
ENROL_SECRET = "sampan_enrol_secret"  # noqa: S105 (a session key name)
PENDING_SECONDS = 5 * 60


def _admin_context(request: HttpRequest, title: str) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("admin:index")


class SignIn(LoginView):
    form_class = SignInForm
    template_name = "admin/login.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "GET" and admin.site.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(_admin_context(self.request, "Log in"))
        context.update(app_path=self.request.get_full_path(), username=self.request.user.get_username())
        return context

    def get_default_redirect_url(self) -> str:
        return reverse("admin:index")

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        needs_code = codes.is_enrolled(user)
        if not needs_code and not settings.REQUIRE_2FA:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "next": _safe_next(self.request, self.get_redirect_url()),
            "at": time.time(),
            "enrol": not needs_code,
        }
        return redirect("security:enrol" if not needs_code else "security:code")


def _pending(request: HttpRequest) -> tuple[User, dict] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - float(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True, is_staff=True).first()
    return (user, pending) if user else None


def _finish(request: HttpRequest, user: User, pending: dict) -> str:
    request.session.pop(PENDING, None)
    login(request, user, backend=pending["backend"])
    return str(pending["next"])


@never_cache
@csrf_protect
def code(request: HttpRequest) -> HttpResponse:
    found = _pending(request)
    if found is None or found[1].get("enrol"):
        request.session.pop(PENDING, None)
        return redirect("admin:login")
    user, pending = found
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        minutes = lockout.minutes_locked(request, username)
        if minutes:
            request.session.pop(PENDING, None)
            error = lockout.message(minutes)
        elif codes.verify(user, form.cleaned_data["code"]):
            return HttpResponseRedirect(_finish(request, user, pending))
        else:
            lockout.record_failure(request, username)
            error = "That code is not right, or was already used. Try the current code from your app."
    context = {**_admin_context(request, "Two-step sign-in"), "form": form, "error": error}
    return render(request, "security/code.html", context)


def _enrolling_user(request: HttpRequest) -> tuple[User, dict | None] | None:
    if request.user.is_authenticated and request.user.is_active and request.user.is_staff:
        return request.user, None  # type: ignore[return-value]
    found = _pending(request)
    if found and found[1].get("enrol"):
        return found
    return None


@never_cache
@csrf_protect
def enrol(request: HttpRequest) -> HttpResponse:
    """Turn two-step sign-in on (QR code, then a code to confirm), off, or make new recovery codes."""
    found = _enrolling_user(request)
    if found is None:
        return redirect(f"{reverse('admin:login')}?next={reverse('security:enrol')}")
    user, pending = found
    context = _admin_context(request, "Two-step sign-in")
    context.update(required=settings.REQUIRE_2FA, pending=pending is not None)
    form = CodeForm(request.POST or None)
    action = request.POST.get("action", "")
    if codes.is_enrolled(user):
        if request.method == "POST" and form.is_valid() and action in ("disable", "regenerate"):
            if not codes.verify(user, form.cleaned_data["code"]):
                lockout.record_failure(request, user.get_username())
                context["error"] = "That code is not right, or was already used."
            elif action == "disable" and not settings.REQUIRE_2FA:
                codes.disable(user)
                return redirect("security:enrol")
            elif action == "regenerate":
                context["recovery_codes"] = codes.make_recovery_codes(user)
                return render(request, "security/recovery_codes.html", context)
        context.update(enrolled=True, form=form, codes_left=codes.recovery_codes_left(user))
        return render(request, "security/enrol.html", context)
    secret = request.session.get(ENROL_SECRET) or codes.new_secret()
    request.session[ENROL_SECRET] = secret
    if request.method == "POST" and form.is_valid() and action == "enrol":
        step = codes.step_for_secret(secret, form.cleaned_data["code"])
        if step is not None:
            context["recovery_codes"] = codes.enrol(user, secret=secret, step=step)
            request.session.pop(ENROL_SECRET, None)
            if pending is not None:
                context["next"] = _finish(request, user, pending)
            return render(request, "security/recovery_codes.html", context)
        context["error"] = "That code does not match. Check the time on your phone and try the current code."
    uri = codes.provisioning_uri(secret, account=user.get_username(), issuer=str(admin.site.site_header))
    context.update(enrolled=False, form=form, qr_svg=codes.qr_svg(uri), secret=secret)
    return render(request, "security/enrol.html", context)
