from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy

from . import pagecache
from .models import OutboundRequest, SiteSettings


def _site_header() -> str:
    return f"{SiteSettings.load().title} admin"


# Lazy, so that the admin follows a change of the site title without a restart.
admin.site.site_header = lazy(_site_header, str)()
admin.site.site_title = lazy(_site_header, str)()
admin.site.index_title = "Write, publish and look after the blog"
admin.site.site_url = "/"


class ReaderVisibleAdmin(admin.ModelAdmin):
    """For models whose changes readers see: every admin change clears the page cache."""

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        super().save_model(request, obj, form, change)
        pagecache.invalidate()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)
        pagecache.invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        pagecache.invalidate()


@admin.register(SiteSettings)
class SiteSettingsAdmin(ReaderVisibleAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(OutboundRequest)
class OutboundRequestAdmin(admin.ModelAdmin):
    """The ledger, read-only: every request this server made to others (or refused to make), and why."""

    list_display = [
        "created",
        "purpose",
        "method",
        "url",
        "outcome",
        "status",
        "error",
        "bytes_received",
        "duration_ms",
    ]
    list_filter = ["outcome", "purpose", "host"]
    search_fields = ["url", "host", "error", "purpose"]
    date_hierarchy = "created"
    readonly_fields = [f.name for f in OutboundRequest._meta.fields]
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
