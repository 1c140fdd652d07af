"""Categories and tags in the admin (categories as a tree), and the staff list with each person's role."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from sampan.core.admin import ReaderVisibleAdmin

from . import roles
from .forms import CategoryForm
from .models import Category, Tag


class CategoryTree(ChangeList):
    """Categories in tree order, each subcategory under its parent, unless a column sort was chosen."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        if ORDER_VAR in self.params:
            return
        nodes = {pk: (parent, name.casefold()) for pk, parent, name in
                 Category.objects.values_list("pk", "parent_id", "name")}  # fmt: skip

        def lineage(pk: int) -> list[str]:
            names: list[str] = []
            node: int | None = pk
            while node is not None and node in nodes and len(names) < 20:
                parent, name = nodes[node]
                names.insert(0, name)
                node = parent
            return names

        for category in self.result_list:
            category.tree_depth = len(lineage(category.pk)) - 1
        self.result_list = sorted(self.result_list, key=lambda c: lineage(c.pk))


@admin.register(Category)
class CategoryAdmin(ReaderVisibleAdmin):
    form = CategoryForm
    list_display = ["tree_name", "slug", "post_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    list_per_page = 500  # the tree order holds within one page

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Ordered explicitly: a counted (grouped) query drops the model's default order.
        return super().get_queryset(request).annotate(post_count=Count("posts")).order_by("name")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return CategoryTree

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name == "parent" and object_id:
            kwargs["queryset"] = Category.objects.exclude(pk=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="name", ordering="name")
    def tree_name(self, obj: Category) -> str:
        return "— " * getattr(obj, "tree_depth", 0) + obj.name

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj: Any) -> int:
        return int(obj.post_count)


@admin.register(Tag)
class TagAdmin(ReaderVisibleAdmin):
    list_display = ["name", "slug", "post_count"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Ordered explicitly: a counted (grouped) query drops the model's default order.
        return super().get_queryset(request).annotate(post_count=Count("posts")).order_by("name")

    @admin.display(description="posts", ordering="post_count")
    def post_count(self, obj: Any) -> int:
        return int(obj.post_count)


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with each person's blog role (Author, Editor, Administrator) in the list."""

    list_display = (*UserAdmin.list_display, "role")  # type: ignore[misc]

    @admin.display(description="role")
    def role(self, obj: Any) -> str:
        return roles.role_of(obj) or "—"
