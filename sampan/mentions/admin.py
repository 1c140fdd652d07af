"""The owner's view of mentions: the switches, what others sent (and how its check went), what we sent."""

from django.contrib import admin
from django.db.models import Model, QuerySet
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
    actions = ["send_again"]

    @admin.action(description="Send the selected mentions again now")
    def send_again(self, request: HttpRequest, queryset: QuerySet[SentMention]) -> None:
        from .tasks import send_link_mention

        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(status=SentMention.Status.QUEUED, attempts=0, next_retry_at=None)
        for pk in ids:
            send_link_mention.enqueue(pk)
        self.message_user(request, f"{len(ids)} mention(s) queued to be sent again.")
