"""WordPress's older page methods (wp.getPages, wp.newPage, …), which Open Live Writer and others use for pages.
They take MetaWeblog structs; a page is a post of kind "page", so MetaWeblog's reading and writing serve."""

from typing import Any
from xmlrpc.client import Fault

from django.http import HttpRequest

from sampan.blog import services
from sampan.blog.models import Post

from . import access, params, writing
from .dispatch import method
from .metaweblog import as_struct, changes_from, status_after_edit
from .shapes import local, utc

MAX_PAGES = 100


def _page(page_id: Any) -> Post:
    page = access.find_post(page_id)
    if not page.is_page:
        raise Fault(404, "Invalid page ID.")
    return page


def page_struct(page: Post) -> dict[str, Any]:
    struct = as_struct(page)
    struct.update(
        page_id=str(page.pk),
        page_status=page.status,
        excerpt=struct["mt_excerpt"],
        text_more=struct["mt_text_more"],
        wp_author=page.author.get_username(),
        wp_page_parent_id=str(page.parent_id or 0),
        wp_page_parent_title=page.parent.title if page.parent else "",
        wp_page_order=page.menu_order,
        wp_page_template="default",
    )
    return struct


@method("wp.getPage")
def get_page(
    request: HttpRequest, blog_id: Any, page_id: Any, username: Any, password: Any
) -> dict[str, Any]:
    user = access.sign_in(request, username, password)
    page = _page(page_id)
    access.check_may_edit(user, page)
    return page_struct(page)


@method("wp.getPages")
def get_pages(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, number: Any = 10
) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    count = min(max(params.integer(number, "num_pages"), 0), MAX_PAGES)
    pages = access.editable_posts(user).filter(kind=Post.Kind.PAGE).select_related("parent")
    return [page_struct(page) for page in pages.order_by("menu_order", "title")[:count]]


@method("wp.getPageList")
def get_page_list(request: HttpRequest, blog_id: Any, username: Any, password: Any) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    pages = access.editable_posts(user).filter(kind=Post.Kind.PAGE).order_by("menu_order", "title")
    return [
        {
            "page_id": str(page.pk),
            "page_title": page.title,
            "page_parent_id": str(page.parent_id or 0),
            "dateCreated": local(page.published_at),
            "date_created_gmt": utc(page.published_at),
        }
        for page in pages[: MAX_PAGES * 10]
    ]


@method("wp.newPage")
def new_page(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, content: Any, publish: Any = False
) -> str:
    user = access.sign_in(request, username, password)
    changes = changes_from(params.struct(content, "content"))
    changes.kind = Post.Kind.PAGE
    if changes.status is None:
        changes.status = Post.Status.PUBLISHED if params.flag(publish, "publish") else Post.Status.DRAFT
    return str(writing.new_post(user=user, changes=changes).pk)


@method("wp.editPage")
def edit_page(
    request: HttpRequest,
    blog_id: Any,
    page_id: Any,
    username: Any,
    password: Any,
    content: Any,
    publish: Any = False,
) -> bool:
    user = access.sign_in(request, username, password)
    page = _page(page_id)
    changes = changes_from(params.struct(content, "content"))
    changes.kind = None
    if changes.status is None:
        changes.status = status_after_edit(page, publish=params.flag(publish, "publish"))
    writing.edit_post(page, user=user, changes=changes)
    return True


@method("wp.deletePage")
def delete_page(request: HttpRequest, blog_id: Any, username: Any, password: Any, page_id: Any) -> bool:
    user = access.sign_in(request, username, password)
    page = _page(page_id)
    access.check_may_delete(user, page)
    services.delete_post(page)
    return True
