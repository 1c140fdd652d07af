"""The owner's view of readers in the admin: who signed in and how, whom to keep out, which ways in to trust.

Nothing here shows an address a reader connected from: none is stored (docs/readers.md).
"""

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.contrib import admin, messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .models import METHODS, Block, Reader, SignInSettings


def identities_of(reader: Reader) -> list[tuple[str, str, str]]:
    """(method, issuer, subject) of every way this reader signed in."""
    user: Any = reader.user  # allauth's reverse relations, prefetched by the admin's queryset
    found = [
        (account.provider, str(account.extra_data.get("issuer", "")), account.uid)
        for account in user.socialaccount_set.all()
    ]
    found += [("email", "", address.email) for address in user.emailaddress_set.all() if address.verified]
    return found


@admin.register(Reader)
class ReaderAdmin(admin.ModelAdmin):
    list_display = ["display_name", "method", "issuer", "created", "comment_count"]
    search_fields = ["display_name", "website", "user__email", "user__socialaccount__uid"]
    list_filter = ["user__socialaccount__provider"]
    readonly_fields = fields = ("user", "display_name", "website", "avatar", "created", "ways_in")
    actions = ["block_identities"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reader]:
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .prefetch_related(
                Prefetch("user__socialaccount_set", queryset=SocialAccount.objects.order_by("pk")),
                "user__emailaddress_set",
            )
            .annotate(comments=Count("user__comments", distinct=True))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # readers make their own accounts by signing in

    @admin.display(description="signed in with")
    def method(self, reader: Reader) -> str:
        return ", ".join(dict.fromkeys(METHODS.get(m, m) for m, _, _ in identities_of(reader))) or "—"

    @admin.display(description="issuer")
    def issuer(self, reader: Reader) -> str:
        return ", ".join(dict.fromkeys(i for _, i, _ in identities_of(reader) if i)) or "—"

    @admin.display(description="comments", ordering="comments")
    def comment_count(self, reader: Reader) -> int:
        return int(getattr(reader, "comments", 0))

    @admin.display(description="ways in (method · issuer · who)")
    def ways_in(self, reader: Reader) -> str:
        lines = [" · ".join(part for part in identity if part) for identity in identities_of(reader)]
        return "\n".join(lines) or "—"

    @admin.action(description="Block the selected readers' identities (no more sign-ins or comments)")
    def block_identities(self, request: HttpRequest, queryset: QuerySet[Reader]) -> None:
        made = 0
        for reader in queryset:
            for _, _, subject in identities_of(reader):
                _, created = Block.objects.get_or_create(
                    kind=Block.Kind.IDENTITY, value=subject, defaults={"note": f"Reader {reader}"}
                )
                made += int(created)
        self.message_user(request, f"{made} identit{'y' if made == 1 else 'ies'} blocked.", messages.SUCCESS)


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["value", "kind", "note", "created"]
    fields = ["kind", "value", "note"]
    list_filter = ["kind"]
    search_fields = ["value", "note"]


@admin.register(SignInSettings)
class SignInSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it."""

    fieldsets = [
        (
            "First comments from signed-in readers",
            {
                "description": "A reader's first comment is held for approval, as a guest's is, unless they "
                "signed in by a way you trust here. Later comments from a reader with an approved one are "
                "published at once either way.",
                "fields": ["trust_email", "trust_indieauth", "trust_fediverse", "trust_openid_connect"],
            },
        )
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        settings = SignInSettings.load()
        return HttpResponseRedirect(reverse("admin:readers_signinsettings_change", args=[settings.pk]))
