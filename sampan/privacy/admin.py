"""The owner's retention periods, and the button that writes the draft Privacy page from the live settings."""

from django.contrib import admin, messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from .models import RetentionSettings
from .services import write_privacy_page


@admin.register(RetentionSettings)
class RetentionSettingsAdmin(admin.ModelAdmin):
    change_form_template = "admin/privacy/retentionsettings/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not RetentionSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponseRedirect:  # type: ignore[override]
        # One row: the list would show one line; go straight to it.
        RetentionSettings.load()
        return HttpResponseRedirect(reverse("admin:privacy_retentionsettings_change", args=[1]))

    def get_urls(self) -> list[URLPattern]:
        write = path(
            "privacy-page/",
            self.admin_site.admin_view(require_POST(self.write_page)),
            name="privacy_write_page",
        )
        return [write, *super().get_urls()]

    def write_page(self, request: HttpRequest) -> HttpResponseRedirect:
        if not (request.user.has_perm("blog.add_page") and request.user.has_perm("blog.change_page")):
            messages.error(request, "Writing the Privacy page needs permission to write pages.")
            return HttpResponseRedirect(reverse("admin:privacy_retentionsettings_change", args=[1]))
        page, created = write_privacy_page(by=request.user)  # type: ignore[arg-type]
        messages.success(
            request,
            f"The draft page “{page.title}” was {'written' if created else 'updated'} from the current "
            "settings. Read it, change what you like, and publish it.",
        )
        return HttpResponseRedirect(reverse("admin:blog_page_change", args=[page.pk]))
