"""What imports did, read-only: each file's run and how far it got, and the old addresses that answer."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import ImportRun, OldLink


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by `sampan import-wxr` only; the admin shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "source", "finished", "items_done", "last_line", "started_at", "updated_at"]
    list_filter = ["finished"]


@admin.register(OldLink)
class OldLinkAdmin(ReadOnlyAdmin):
    list_display = ["path", "item_post", "item__post_type", "item__source"]
    search_fields = ["path"]
    list_select_related = ["item__post"]

    @admin.display(description="leads to")
    def item_post(self, link: OldLink) -> str:
        return str(link.item.post) if link.item.post else link.item.file or "(the attachment's post)"
