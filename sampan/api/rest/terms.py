"""Categories and tags: anyone may list them; editors add categories, writers add tags."""

from typing import Annotated, Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja import Status as Answer
from ninja.errors import HttpError
from pydantic import Field

from sampan.blog.models import Category, Post, Tag
from sampan.core import pagecache

from . import auth, writing
from .paging import MAX_PER_PAGE, paginate
from .posts import READ_ERRORS, WRITE_ERRORS, PostId
from .reading import absolute
from .schemas import CategoryCreate, CategoryOut, ErrorOut, TagCreate, TagOut

categories_router = Router(tags=["categories"])
tags_router = Router(tags=["tags"])
Page = Annotated[int, Field(ge=1, le=1_000_000)]
PerPage = Annotated[int, Field(ge=1, le=MAX_PER_PAGE)]


def _with_counts(model: Any) -> Any:
    live = Q(posts__status=Post.Status.PUBLISHED, posts__published_at__lte=timezone.now(),
             posts__kind=Post.Kind.POST)  # fmt: skip
    return model.objects.annotate(count=Count("posts", filter=live, distinct=True)).order_by("name", "id")


def _category_json(category: Category) -> dict[str, Any]:
    return {"id": category.pk, "name": category.name, "slug": category.slug, "parent": category.parent_id,
            "description": category.description, "count": getattr(category, "count", 0),
            "link": absolute(category.get_absolute_url())}  # fmt: skip


def _tag_json(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name, "slug": tag.slug, "count": getattr(tag, "count", 0),
            "link": absolute(tag.get_absolute_url())}  # fmt: skip


@categories_router.get("/", response={200: list[CategoryOut], **READ_ERRORS}, operation_id="list_categories")
def list_categories(
    request: HttpRequest, response: HttpResponse, page: Page = 1, per_page: PerPage = 100
) -> Any:
    auth.reader(request)
    found = paginate(_with_counts(Category).select_related("parent"), page=page, per_page=per_page,
                     request=request, response=response)  # fmt: skip
    return [_category_json(c) for c in found]


@categories_router.get("/{id}/", response={200: CategoryOut, 404: ErrorOut, **READ_ERRORS},
                       operation_id="get_category")  # fmt: skip
def get_category(request: HttpRequest, id: PostId) -> Any:
    auth.reader(request)
    return _category_json(get_object_or_404(_with_counts(Category), pk=id))


@categories_router.post("/", response={201: CategoryOut, **WRITE_ERRORS}, auth=auth.basic_auth,
                        operation_id="create_category")  # fmt: skip
def create_category(request: HttpRequest, payload: CategoryCreate) -> Any:
    if not request.auth.has_perm("blog.add_category"):  # type: ignore[attr-defined]
        raise HttpError(403, "Only editors and administrators may add categories.")
    parent = None
    if payload.parent is not None:
        parent = Category.objects.filter(pk=payload.parent).first()
        if parent is None:
            raise writing.invalid("parent", f"There is no category {payload.parent}.")
    category = writing.create_term(Category, name=payload.name, slug=payload.slug, parent=parent,
                                   description=payload.description)  # fmt: skip
    pagecache.invalidate()  # the sidebar's category list shows it once a post uses it
    return Answer(201, _category_json(category))


@tags_router.get("/", response={200: list[TagOut], **READ_ERRORS}, operation_id="list_tags")
def list_tags(request: HttpRequest, response: HttpResponse, page: Page = 1, per_page: PerPage = 100) -> Any:
    auth.reader(request)
    found = paginate(_with_counts(Tag), page=page, per_page=per_page, request=request, response=response)
    return [_tag_json(t) for t in found]


@tags_router.get("/{id}/", response={200: TagOut, 404: ErrorOut, **READ_ERRORS}, operation_id="get_tag")
def get_tag(request: HttpRequest, id: PostId) -> Any:
    auth.reader(request)
    return _tag_json(get_object_or_404(_with_counts(Tag), pk=id))


@tags_router.post(
    "/", response={201: TagOut, **WRITE_ERRORS}, auth=auth.basic_auth, operation_id="create_tag"
)
def create_tag(request: HttpRequest, payload: TagCreate) -> Any:
    if not request.auth.has_perm("blog.add_tag"):  # type: ignore[attr-defined]
        raise HttpError(403, "You may not add tags.")
    tag = writing.create_term(Tag, name=payload.name, slug=payload.slug)
    pagecache.invalidate()
    return Answer(201, _tag_json(tag))
