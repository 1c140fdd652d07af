from django.contrib import admin

from .models import FediverseApp


@admin.register(FediverseApp)
class FediverseAppAdmin(admin.ModelAdmin):
    """Registrations are made by readers signing in; the owner may read or delete one (the next sign-in from that
    instance registers anew), never edit one: a hand-changed secret would only break sign-in."""

    list_display = ["instance", "scopes", "registered_at"]
    search_fields = ["instance"]
    readonly_fields = ["instance", "client_id", "scopes", "redirect_uri", "registered_at"]
    exclude = ["client_secret"]

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
