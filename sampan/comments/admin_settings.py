"""The owner's discussion settings in the admin: one page, like WordPress's Settings → Discussion."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from sampan.core.admin import ReaderVisibleAdmin

from .models import DiscussionSettings


class DiscussionSettingsForm(forms.ModelForm):
    class Meta:
        model = DiscussionSettings
        fields = ["spam_threshold", "thread_depth"]  # the admin's fieldsets add the rest

    def clean_spam_threshold(self) -> float:
        threshold = self.cleaned_data["spam_threshold"]
        if not 0 < threshold <= 1:
            raise forms.ValidationError("Give a number above 0 and at most 1, such as 0.95.")
        return float(threshold)

    def clean_thread_depth(self) -> int:
        depth = self.cleaned_data["thread_depth"]
        if not 1 <= depth <= 10:
            raise forms.ValidationError("Give a depth from 1 (no threading) to 10.")
        return int(depth)


@admin.register(DiscussionSettings)
class DiscussionSettingsAdmin(ReaderVisibleAdmin):
    """One row, like WordPress's Settings → Discussion: the list goes straight to it."""

    form = DiscussionSettingsForm
    fieldsets = [
        (
            "Comments",
            {"fields": ["comments_allowed", "require_name_email", "close_after_days", "max_length"]},
        ),
        ("Threads and pages", {"fields": ["thread_depth", "paginate", "per_page"]}),
        (
            "Before a comment appears",
            {"fields": ["hold_all", "trust_approved_authors", "link_limit", "moderation_keys"]},
        ),
        ("Spam", {"fields": ["blocklist", "spam_threshold", "min_seconds"]}),
        ("Email me", {"fields": ["notify_author"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        settings = DiscussionSettings.load()
        return HttpResponseRedirect(reverse("admin:comments_discussionsettings_change", args=[settings.pk]))

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        response = super().response_change(request, obj)
        if isinstance(response, HttpResponseRedirect) and "_continue" not in request.POST:
            return HttpResponseRedirect(request.path)  # the list is this one page: stay on it
        return response
