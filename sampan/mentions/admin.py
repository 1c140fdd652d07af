"""The owner's view of mentions: the switches, what others sent (and how its check went), what we sent."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from sampan.core.admin import ReaderVisibleAdmin

from .models import MentionSettings, ReceivedMention, SentMention


@admin.register(MentionSettings)
class MentionSettingsAdmin(ReaderVisibleAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not MentionSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReceivedMention)
class ReceivedMentionAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "protocol", "source", "post", "status", "message"]
    list_filter = ["protocol", "status"]
    search_fields = ["source", "target"]
    list_select_related = ["post"]


@admin.register(SentMention)
class SentMentionAdmin(ReadOnlyAdmin):
    list_display = ["last_tried_at", "source", "target", "protocol", "status", "attempts", "response"]
    list_filter = ["protocol", "status"]
    search_fields = ["source", "target"]
