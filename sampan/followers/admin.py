"""The owner's side: followers with their status and dates, CSV export, bounce counts, the settings, the
mail about each post, and the outbox (mail written to the data folder when no SMTP server is configured)."""

import csv
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from sampan.core import pagecache
from sampan.core.admin import ReaderVisibleAdmin

from . import csvfiles, outbox
from .models import Delivery, Follower, FollowerSettings, NewPostMailing


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_download(followers: QuerySet[Follower]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    rows = csvfiles.export_rows(followers.order_by("pk").iterator(chunk_size=2000))
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="followers-{stamp}.csv"'
    return response


@admin.register(Follower)
class FollowerAdmin(ReaderVisibleAdmin):
    list_display = (
        "email",
        "status",
        "frequency",
        "source",
        "created_at",
        "confirmed_at",
        "unsubscribed_at",
        "hard_bounces",
    )
    list_filter = ("status", "frequency", "source")
    search_fields = ("email",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "last_digest_at",
    )
    actions = ["export_csv", "stop_mail"]
    change_list_template = "admin/followers/follower/change_list.html"

    def get_urls(self) -> list[Any]:
        own = [
            path("export.csv", self.admin_site.admin_view(self.export_all), name="followers_follower_export"),
            path("outbox/", self.admin_site.admin_view(outbox.outbox_list), name="followers_outbox"),
            path("outbox/<str:name>/<int:number>/", self.admin_site.admin_view(outbox.outbox_message),
                 name="followers_outbox_message"),
        ]  # fmt: skip
        return own + super().get_urls()

    def export_all(self, request: HttpRequest) -> StreamingHttpResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return csv_download(Follower.objects.all())

    @admin.action(description="Export selected followers as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Follower]) -> StreamingHttpResponse:
        return csv_download(queryset)

    @admin.action(description="Stop all mail to the selected followers (unsubscribe)", permissions=["change"])
    def stop_mail(self, request: HttpRequest, queryset: QuerySet[Follower]) -> None:
        live = queryset.filter(status__in=[Follower.Status.CONFIRMED, Follower.Status.PENDING])
        count = live.update(status=Follower.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
        pagecache.invalidate()
        self.message_user(request, f"{count} follower(s) unsubscribed.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        limit = FollowerSettings.load().stop_after_bounces
        if limit and obj.hard_bounces >= limit and obj.status == Follower.Status.CONFIRMED:
            obj.status = Follower.Status.BOUNCING  # the owner recorded bounces by hand: the same rule applies
        if obj.status == Follower.Status.CONFIRMED and obj.confirmed_at is None:
            obj.confirmed_at = timezone.now()  # confirmed by the owner: mail from now on
        super().save_model(request, obj, form, change)


@admin.register(FollowerSettings)
class FollowerSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FollowerSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NewPostMailing)
class NewPostMailingAdmin(admin.ModelAdmin):
    list_display = ("post", "started_at", "finished_at", "sent")
    list_select_related = ("post",)

    @admin.display(description="delivered")
    def sent(self, obj: NewPostMailing) -> int:
        return Delivery.objects.filter(post_id=obj.post_id, outcome=Delivery.Outcome.SENT).count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
