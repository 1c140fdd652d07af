"""Application passwords in the admin: each writer makes and revokes their own; administrators see everyone's."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from . import passwords
from .models import ApplicationPassword


class NewApplicationPasswordForm(forms.ModelForm):
    class Meta:
        model = ApplicationPassword
        fields = ["user", "label"]


@admin.register(ApplicationPassword)
class ApplicationPasswordAdmin(admin.ModelAdmin):
    form = NewApplicationPasswordForm
    list_display = ["label", "user", "created_at", "last_used_at"]
    list_filter = ["user"]
    search_fields = ["label", "user__username"]
    actions = ["revoke_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApplicationPassword]:
        mine = super().get_queryset(request).select_related("user")
        return mine if request.user.is_superuser else mine.filter(user=request.user)  # type: ignore[misc]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        field: Any = form.base_fields.get("user")
        if field is not None:
            me: Any = request.user
            users = get_user_model().objects.filter(is_staff=True, is_active=True)
            field.queryset = users if me.is_superuser else users.filter(pk=me.pk)
            field.initial = me.pk
        return form

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a password is made or revoked, never edited

    def save_model(self, request: HttpRequest, obj: ApplicationPassword, form: Any, change: bool) -> None:
        made = passwords.create_app_password(user=obj.user, label=obj.label)
        obj.pk, obj.digest = made.record.pk, made.record.digest
        request._new_app_password = made.password  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApplicationPassword, post_url_continue: Any = None
    ) -> HttpResponse:
        # Shown on this page only: never put in a message, a cookie or the session.
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "record": obj,
            "password": request._new_app_password,  # type: ignore[attr-defined]
            "title": "Your new application password",
        }
        response = TemplateResponse(request, "admin/api/applicationpassword/created.html", context)
        response.headers["Cache-Control"] = "no-store"
        return response

    def delete_model(self, request: HttpRequest, obj: ApplicationPassword) -> None:
        passwords.revoke_app_password(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApplicationPassword]) -> None:
        for record in queryset:
            passwords.revoke_app_password(record)

    @admin.action(description="Revoke selected application passwords", permissions=["delete"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApplicationPassword]) -> None:
        count = queryset.count()
        self.delete_queryset(request, queryset)
        self.message_user(request, f"Revoked {count} application password{'s' if count != 1 else ''}.")
