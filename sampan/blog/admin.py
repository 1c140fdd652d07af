from django.contrib import admin
from django.http import HttpRequest

from sampan.core.admin import ReaderVisibleAdmin

from . import services
from .models import Category, Post, Tag


@admin.register(Category)
class CategoryAdmin(ReaderVisibleAdmin):
    list_display = ["name", "slug", "parent"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(ReaderVisibleAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "author", "status", "published_at", "sticky"]
    list_filter = ["kind", "status", "categories"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_at"
    filter_horizontal = ["categories", "tags"]

    def save_model(self, request: HttpRequest, obj: Post, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        previous = Post.objects.filter(pk=obj.pk).values_list("status", flat=True).first() if change else None
        if not change and not obj.author_id:
            obj.author = request.user  # type: ignore[assignment]
        services.save_post(obj, by=request.user, previous_status=previous)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Post) -> None:
        services.delete_post(obj)
