"""The admin's per-email tools (WordPress's Tools → Export / Erase Personal Data): download, as JSON, everything
kept about an address, or erase it after a confirmation page. For those who moderate everyone's comments."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse

from sampan.core import personal_data

from .models import Comment
from .selfservice import personal_data_response


class PersonalDataForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)


def allowed(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.has_perm("comments.moderate_comments") and user.has_perm("comments.delete_comment"))


def personal_data_view(request: HttpRequest, model_admin: Any) -> HttpResponse:
    if not allowed(request):
        raise PermissionDenied
    form = PersonalDataForm(request.POST if request.method == "POST" else None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Comment._meta,
        "title": "Export or erase personal data",
        "form": form,
    }
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "admin/comments/personal_data.html", context)
    email = form.cleaned_data["email"].strip()
    if "export" in request.POST:
        return personal_data_response(email)
    if "confirm_erase" in request.POST:
        erased = personal_data.erase(email)
        counts = ", ".join(f"{source}: {count}" for source, count in erased.items() if count) or "nothing"
        messages.success(request, f"Erased everything kept about {email} ({counts}).")
        return HttpResponseRedirect(request.path)
    comments = Comment.objects.filter(author_email__iexact=email).select_related("post")
    context.update(
        email=email,
        comments=comments,
        kept=personal_data.summaries(email),
        title=f"Erase everything kept about {email}?",
    )
    return TemplateResponse(request, "admin/comments/personal_data_erase.html", context)
