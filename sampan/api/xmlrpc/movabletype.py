"""Movable Type's category methods, and WordPress's older names for categories and uploads: Open Live Writer and
MarsEdit call these alongside MetaWeblog."""

from typing import Any

from django.http import HttpRequest

from sampan.blog.models import Category

from . import access, params, writing
from .dispatch import method


@method("mt.getCategoryList")
def get_category_list(
    request: HttpRequest, blog_id: Any, username: Any, password: Any
) -> list[dict[str, str]]:
    access.sign_in(request, username, password)
    return [{"categoryId": str(c.pk), "categoryName": c.name} for c in Category.objects.all()]


@method("mt.getPostCategories")
def get_post_categories(
    request: HttpRequest, post_id: Any, username: Any, password: Any
) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    access.check_may_edit(user, post)
    return [
        {"categoryId": str(c.pk), "categoryName": c.name, "isPrimary": n == 0}
        for n, c in enumerate(post.categories.all())
    ]


@method("mt.setPostCategories")
def set_post_categories(
    request: HttpRequest, post_id: Any, username: Any, password: Any, chosen: Any
) -> bool:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    ids = [
        params.integer(params.struct(c, "categories").get("categoryId"), "categoryId")
        for c in params.array(chosen, "categories")
    ]
    writing.edit_post(post, user=user, changes=writing.Changes(category_ids=ids))
    return True


@method("mt.supportedTextFilters")
def supported_text_filters(request: HttpRequest) -> list[dict[str, str]]:
    return []  # apps send HTML; Sampan sanitizes it and needs no filter
