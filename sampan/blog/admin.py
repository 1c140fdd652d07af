"""The writing desk: posts, pages, categories and tags in the Django admin.

Every write goes through `services` (save, delete, restore a revision), as it does from the API and importers.
Authors see and change only their own posts; editors and administrators see everyone's, and write the pages.
"""

import difflib
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone

from . import admin_taxonomy, roles, services  # noqa: F401 (admin_taxonomy registers its admins)
from .forms import MarkdownEditor, PostForm
from .models import Page, Post, Revision
from .rendering import render_body

Status = Post.Status
NOT_YET_OUT = (None, Status.DRAFT, Status.PENDING)
REVISIONS_SHOWN = 20


class WritingAdmin(admin.ModelAdmin):
    """What posts and pages share: the form, the save path, who may touch what, preview and revisions."""

    kind: str = Post.Kind.POST
    form = PostForm
    change_form_template = "admin/blog/writing_change_form.html"
    search_fields = ["title", "body", "excerpt"]
    date_hierarchy = "published_at"
    actions = ["publish_now", "move_to_draft"]
    prepopulated_fields = {"slug": ["title"]}

    # -- who may do what ------------------------------------------------------------------------------
    def _allowed(self, request: HttpRequest, action: str, obj: Post | None) -> bool:
        user: Any = request.user
        if not user.has_perm(f"blog.{action}_post"):
            return False
        edits_all = roles.can_edit_others_posts(user)
        if self.kind == Post.Kind.PAGE and not edits_all:
            return False  # As in WordPress: authors write posts; pages belong to editors.
        return obj is None or obj.author_id == user.pk or edits_all

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, "add", None)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "change", obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "delete", obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, "view", obj) or self._allowed(request, "change", obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request).filter(kind=self.kind).select_related("author")
        if not roles.can_edit_others_posts(request.user):
            queryset = queryset.filter(author=request.user)
        return queryset

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Look among everyone's, so that another author's post is refused (403) rather than "not found".
        field: Any = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return self.model._default_manager.filter(kind=self.kind).get(
                **{field.name: field.to_python(object_id)}
            )
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if roles.can_edit_others_posts(request.user):
            return []
        return ["author", "sticky"]  # Only editors put a post under another name or on top of the home page.

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None or roles.can_edit_others_posts(request.user):
            return fieldsets
        # A new post of an author's is theirs; a read-only "Author: -" would only puzzle them.
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "author"]})
            for name, opts in fieldsets
        ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "author": request.user.pk}

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "body":
            kwargs["widget"] = MarkdownEditor(preview_url=reverse(f"admin:{self._url_name}_preview"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "author":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        if db_field.name == "parent":
            kwargs["queryset"] = Post.objects.pages().order_by("title")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, obj: Post) -> str:
        # Straight to the permalink: the reader views show a draft to its author and to editors.
        return obj.get_absolute_url()

    # -- saving ---------------------------------------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Not written yet: save_related writes it once, through the service, with its categories and tags.
        obj.kind = self.kind
        if not obj.author_id:
            obj.author = request.user

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        post = form.instance
        previous = (
            Post.objects.filter(pk=post.pk).values_list("status", flat=True).first() if change else None
        )
        going_out = previous in NOT_YET_OUT and post.status in (Status.PUBLISHED, Status.PRIVATE)
        if going_out and "published_at" not in form.changed_data:
            post.published_at = timezone.now()  # "Publish immediately", unless a date was chosen.
        services.save_post(
            post,
            by=request.user,  # type: ignore[arg-type]
            previous_status=previous,
            categories=form.cleaned_data["categories"] if "categories" in form.fields else None,
            tags=form.cleaned_data["tags"] if "tags" in form.fields else None,
            featured_image_changed="featured_image" in form.changed_data,
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        if post.status == Status.SCHEDULED:
            when = timezone.localtime(post.published_at)
            self.message_user(request, f"“{post}” is scheduled for {when:%Y-%m-%d %H:%M}.", messages.INFO)

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        services.delete_post(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for post in queryset:
            services.delete_post(post)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> tuple[Any, Any, set[str], Any]:
        # What belongs to a post (its comments, likes, mention and mailing records) goes with it, as in
        # WordPress: whoever may delete the post need not hold a delete permission for each of those.
        deleted, counts, _, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    @admin.action(description="Publish selected now", permissions=["change"])
    def publish_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for post in queryset.exclude(status=Status.PUBLISHED):
            previous = post.status
            if previous != Status.PRIVATE:
                post.published_at = timezone.now()
            post.status = Status.PUBLISHED
            services.save_post(post, by=request.user, previous_status=previous)  # type: ignore[arg-type]
            done += 1
        self.message_user(request, f"Published {done} {self._noun(done)}.", messages.SUCCESS)

    @admin.action(description="Move selected to drafts", permissions=["change"])
    def move_to_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        done = 0
        for post in queryset.exclude(status=Status.DRAFT):
            previous, post.status = post.status, Status.DRAFT
            services.save_post(post, by=request.user, previous_status=previous)  # type: ignore[arg-type]
            done += 1
        self.message_user(request, f"Moved {done} {self._noun(done)} to drafts.", messages.SUCCESS)

    def _noun(self, count: int) -> str:
        return str(self.opts.verbose_name if count == 1 else self.opts.verbose_name_plural)

    # -- list columns -------------------------------------------------------------------------------
    @admin.display(description="status", ordering="status")
    def status_label(self, obj: Post) -> str:
        label = str(obj.get_status_display())
        if obj.status == Status.SCHEDULED:
            label += f" for {timezone.localtime(obj.published_at):%Y-%m-%d %H:%M}"
        return label + (" · password protected" if obj.password else "")

    # -- preview and revisions --------------------------------------------------------------------------
    @property
    def _url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}"

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view  # staff only, CSRF-checked, never cached
        return [
            path("preview/", wrap(self.preview_view), name=f"{self._url_name}_preview"),
            path(
                "<path:object_id>/revisions/<int:revision_id>/restore/",
                wrap(self.restore_revision_view),
                name=f"{self._url_name}_restore_revision",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """The body as readers will get it: the same rendering and sanitizing as a saved post."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        body_format = request.POST.get("body_format", "")
        if body_format not in Post.Format.values:
            body_format = Post.Format.MARKDOWN
        return JsonResponse({"html": render_body(request.POST.get("body", ""), body_format=body_format)})

    def restore_revision_view(self, request: HttpRequest, object_id: str, revision_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        post = self.get_object(request, object_id)
        if post is None:
            raise Http404("No such post.")
        if not self.has_change_permission(request, post):
            raise PermissionDenied
        revision = get_object_or_404(Revision, pk=revision_id, post_id=post.pk)
        revision.post = post
        services.restore_revision(revision, by=request.user)  # type: ignore[arg-type]
        when = timezone.localtime(revision.saved_at)
        self.log_change(request, post, f"Restored the revision saved {when:%Y-%m-%d %H:%M}.")
        self.message_user(request, f"Restored the revision saved {when:%Y-%m-%d %H:%M}.", messages.SUCCESS)
        return redirect(reverse(f"admin:{self._url_name}_change", args=[post.pk]))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        post = self.get_object(request, object_id)
        context = {**(extra_context or {})}
        if post is not None and self.has_view_or_change_permission(request, post):
            context["revisions"] = revision_history(post, url_name=self._url_name)
            context["may_restore"] = self.has_change_permission(request, post)
        return super().change_view(request, object_id, form_url, context)


def revision_history(post: Post, *, url_name: str) -> list[dict[str, Any]]:
    """The latest revisions, newest first, each with who saved it, when, and how it differs from the one before."""
    revisions = list(post.revisions.select_related("saved_by")[: REVISIONS_SHOWN + 1])
    history = []
    for index, revision in enumerate(revisions[:REVISIONS_SHOWN]):
        older = revisions[index + 1] if index + 1 < len(revisions) else None
        history.append(
            {
                "revision": revision,
                "summary": _change_summary(revision, older),
                "is_current": all(getattr(revision, f) == getattr(post, f) for f in services.REVISION_FIELDS),
                "restore_url": reverse(f"admin:{url_name}_restore_revision", args=[post.pk, revision.pk]),
            }
        )
    return history


def _change_summary(revision: Revision, older: Revision | None) -> str:
    words = revision.body.split()
    if older is None:
        return f"First saved version, {len(words)} words."
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, older.body.split(), words).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    parts = [f"+{added} / -{removed} words"]
    if revision.title != older.title:
        parts.append(f"title was “{older.title}”")
    if revision.excerpt != older.excerpt:
        parts.append("excerpt changed")
    if revision.body_format != older.body_format:
        parts.append(f"format now {revision.get_body_format_display()}")
    return ", ".join(parts) + "."


@admin.register(Post)
class PostAdmin(WritingAdmin):
    kind = Post.Kind.POST
    list_display = ["title", "author", "status_label", "category_list", "published_at", "sticky"]
    list_filter = ["status", "sticky", "categories", "tags"]
    filter_horizontal = ["categories"]
    autocomplete_fields = ["tags"]
    fieldsets = [
        ("Content", {"fields": ["title", "slug", "body_format", "body", "excerpt"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "sticky", "password",
                                   "comments_open", "pings_open"]}),
        ("Taxonomy", {"fields": ["categories", "tags"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_alt"]}),
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("categories")

    def get_list_filter(self, request: HttpRequest) -> list:
        filters = list(super().get_list_filter(request))
        return [*filters, "author"] if roles.can_edit_others_posts(request.user) else filters

    @admin.display(description="categories")
    def category_list(self, obj: Post) -> str:
        return ", ".join(c.name for c in obj.categories.all())


@admin.register(Page)
class PageAdmin(WritingAdmin):
    kind = Post.Kind.PAGE
    list_display = ["title", "parent", "menu_order", "author", "status_label", "published_at"]
    list_filter = ["status"]
    fieldsets = [
        ("Content", {"fields": ["title", "slug", "body_format", "body", "excerpt"]}),
        ("Publishing", {"fields": ["status", "published_at", "author", "password",
                                   "comments_open", "pings_open"]}),
        ("Page attributes", {"fields": ["parent", "menu_order"]}),
        ("Featured image", {"fields": ["featured_image", "featured_image_alt"]}),
    ]  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("parent")
