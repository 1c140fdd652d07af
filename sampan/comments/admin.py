"""The moderation queue (WordPress's Comments screen) in the Django admin; the discussion settings are in
`admin_settings`, the per-email data tools in `admin_personal_data`.

Every change goes through `services`, as from the one-click mail links and the APIs, so each decision teaches
the spam classifier and refreshes cached pages. Authors see and moderate only the comments on their own posts;
editors and administrators, everyone's.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from . import admin_personal_data, admin_settings, links, services  # noqa: F401 (admin_settings registers)
from .models import Comment, DiscussionSettings
from .rendering import web_address

Status = Comment.Status
SHOWN_BY_DEFAULT = (Status.PENDING, Status.APPROVED)  # as in WordPress, "All" leaves out spam and trash


def status_counts(comments: QuerySet[Comment]) -> dict[str, int]:
    counts = dict(comments.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in Status.values}


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        counts = status_counts(model_admin.get_queryset(request))
        self.all_count = sum(counts[s] for s in SHOWN_BY_DEFAULT)
        return [(status.value, f"{status.label} ({counts[status.value]})") for status in Status]

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() not in Status.values,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": f"All ({self.all_count})",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset.filter(status__in=SHOWN_BY_DEFAULT)


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["status", "author_name", "author_url", "body"]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        limit = DiscussionSettings.load().max_length
        if len(body) > limit:
            raise forms.ValidationError(
                f"The comment is {len(body):,} characters long; the limit is {limit:,}."
            )
        return body


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    change_list_template = "admin/comments/comment/change_list.html"
    # Few, dense columns, so that the score and the reasons stay in view beside the admin's sidebar.
    list_display = ["author_column", "excerpt", "in_response_to", "created_at", "spam_check"]

    class Media:
        css = {"all": ["comments/admin.css"]}

    list_display_links = ["excerpt"]
    list_filter = [StatusFilter, "kind"]
    search_fields = ["author_name", "author_email", "author_url", "body", "source_url"]
    list_per_page = 50
    ordering = ["-created_at", "-id"]  # newest first, as WordPress lists them
    actions = ["approve", "unapprove", "mark_spam", "trash", "delete_selected"]
    fields = [
        "post_link",
        "kind",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "source_url",
        "body",
    ]
    fields += ["created_at", "score", "reasons"]
    readonly_fields = ["post_link", "kind", "author_email", "source_url", "created_at", "score", "reasons"]

    # -- who may do what ------------------------------------------------------------------------------
    def _may(self, request: HttpRequest, action: str, obj: Comment | None) -> bool:
        if not request.user.has_perm(f"comments.{action}_comment"):
            return False
        return obj is None or services.can_moderate(request.user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers, mentions from other sites

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "view", obj) or self._may(request, "change", obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request, "delete", obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return services.moderatable_by(request.user).select_related("post__author")

    # -- columns --------------------------------------------------------------------------------------
    @admin.display(description="author", ordering="author_name")
    def author_column(self, comment: Comment) -> str:
        lines = [format_html("<strong>{}</strong>", comment.author_name or "Anonymous")]
        if comment.author_email:
            lines.append(format_html('<a href="mailto:{0}">{0}</a>', comment.author_email))
        shown = comment.author_url or comment.source_url
        if shown and web_address(shown):
            lines.append(format_html('<a href="{0}" rel="nofollow noopener">{0}</a>', shown))
        elif shown:
            lines.append(format_html("{}", shown))  # not a web address: shown, never linked
        return format_html_join("", "{}<br>", ((line,) for line in lines))

    @admin.display(description="comment")
    def excerpt(self, comment: Comment) -> str:
        return Truncator(comment.body).chars(140) or "(empty)"

    @admin.display(description="in response to", ordering="post__title")
    def post_link(self, comment: Comment) -> str:
        return format_html('<a href="{}">{}</a>', comment.post.get_absolute_url(), comment.post.title)

    @admin.display(description="in response to", ordering="post__title")
    def in_response_to(self, comment: Comment) -> str:
        return format_html("{}<br><small>{}</small>", self.post_link(comment), comment.get_kind_display())

    @admin.display(description="spam check", ordering="spam_score")
    def spam_check(self, comment: Comment) -> str:
        reasons = format_html_join("", "<br>{}", ((r,) for r in comment.moderation_reasons))
        return format_html("<strong>{}</strong>{}", self.score(comment), reasons)

    @admin.display(description="spam score", ordering="spam_score")
    def score(self, comment: Comment) -> str:
        return "—" if comment.spam_score is None else f"{comment.spam_score:.0%}"

    @admin.display(description="why")
    def reasons(self, comment: Comment) -> str:
        return format_html_join("", "<span>{}</span><br>", ((r,) for r in comment.moderation_reasons)) or "—"

    # -- the status tabs and the personal data tools ---------------------------------------------------
    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        counts = status_counts(self.get_queryset(request))
        current = request.GET.get("status", "")
        tabs = [("", "All", sum(counts[s] for s in SHOWN_BY_DEFAULT))]
        tabs += [(status.value, status.label, counts[status.value]) for status in Status]
        extra = {
            "status_tabs": [
                {
                    "value": v,
                    "label": label,
                    "count": n,
                    "current": v == current or (not v and current not in counts),
                }
                for v, label, n in tabs
            ],
            "may_handle_personal_data": admin_personal_data.allowed(request),
            "title": "Comments",
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self) -> list:
        tools = self.admin_site.admin_view(admin_personal_data.personal_data_view)
        own = [path("personal-data/", tools, {"model_admin": self}, name="comments_comment_personal_data")]
        return own + super().get_urls()

    # -- moderation: every change through the services -----------------------------------------------
    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: str, done: str) -> None:
        changed = services.set_status_of_many(queryset, status, by=request.user)
        noun = "comment" if changed == 1 else "comments"
        self.message_user(request, f"{done} {changed} {noun}.", messages.SUCCESS)

    @admin.action(description="Approve", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.APPROVED, "Approved")

    @admin.action(description="Unapprove (hold for moderation)", permissions=["change"])
    def unapprove(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.PENDING, "Held")

    @admin.action(description="Mark as spam", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.SPAM, "Marked as spam:")

    @admin.action(description="Move to trash", permissions=["change"])
    def trash(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Status.TRASH, "Moved to the trash:")

    @admin.action(description="Delete permanently", permissions=["delete"])
    def delete_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> Any:
        # Django's confirmation page, which then calls delete_queryset (below, through the services).
        return admin_actions.delete_selected(self, request, queryset)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            services.delete_comment(comment)

    def delete_model(self, request: HttpRequest, obj: Comment) -> None:
        services.delete_comment(obj)

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        original = Comment.objects.get(pk=obj.pk)
        wanted, obj.status = obj.status, original.status  # set_status needs to see where it moves from
        if {"body", "author_name", "author_url"} & set(form.changed_data):
            services.edit_comment(obj, body=obj.body, author_name=obj.author_name, author_url=obj.author_url)
        if wanted != original.status:
            services.set_status(obj, wanted, by=request.user)

    def response_change(self, request: HttpRequest, obj: Comment) -> HttpResponse:
        response = super().response_change(request, obj)
        if isinstance(response, HttpResponseRedirect) and "_continue" not in request.POST:
            return HttpResponseRedirect(
                reverse("admin:comments_comment_changelist") + f"?status={obj.status}"
            )
        return response
