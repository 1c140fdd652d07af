"""Posts and pages: one router each, made by one function, since both live in one table and differ in rules."""

from datetime import datetime
from typing import Annotated, Any

from django.db.models import Case, IntegerField, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router
from ninja import Status as Answer
from pydantic import Field

from sampan.blog import services
from sampan.blog.models import Post
from sampan.blog.search import search_posts

from . import auth, writing
from .paging import MAX_PER_PAGE, paginate
from .reading import post_json, readable_posts
from .schemas import DbId, ErrorOut, Moment, PostCreate, PostOut, PostPatch, Status, Text

READ_ERRORS: dict[int, Any] = {304: None, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut}
PostId = Annotated[int, Field(ge=1, le=2**31 - 1)]
# The site refuses NUL anywhere in an address (an HTML 400, before the API runs): say so in the schema.
NO_NUL = r"^[^\x00]*$"


def _filtered(posts: Any, user: Any, *, status: str | None, search: str | None, after: datetime | None,
              before: datetime | None, category: int | None, tag: int | None, author: int | None) -> Any:  # fmt: skip
    if status is None:
        posts = posts.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())
    elif status != Post.Status.PUBLISHED and not user.is_authenticated:
        raise auth.MissingCredentials("Only a signed-in writer may list posts that are not published.")
    else:
        posts = posts.filter(status=status)
    bounds = {"published_at__gt": after, "published_at__lt": before, "categories": category, "tags": tag,
              "author": author}  # fmt: skip
    posts = posts.filter(**{k: v for k, v in bounds.items() if v is not None})
    if search is not None:
        ranked = [p.pk for p in search_posts(search)]
        order = Case(*[When(pk=pk, then=i) for i, pk in enumerate(ranked)], output_field=IntegerField())
        posts = posts.filter(pk__in=ranked).order_by(order) if ranked else posts.none()
    return posts.distinct()


def make_router(kind: str) -> Router:
    noun = "page" if kind == Post.Kind.PAGE else "post"
    router = Router(tags=[noun + "s"])

    @router.get("/", response={200: list[PostOut], **READ_ERRORS}, operation_id=f"list_{noun}s",
                summary=f"List {noun}s")  # fmt: skip
    def list_posts(
        request: HttpRequest,
        response: HttpResponse,
        page: Annotated[int, Field(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] = 10,
        status: Status | None = None,
        search: Annotated[Text, Field(max_length=200, pattern=NO_NUL)] | None = None,
        after: Moment | None = None,
        before: Moment | None = None,
        category: DbId | None = None,
        tag: DbId | None = None,
        author: DbId | None = None,
    ) -> Any:
        """Published ones, newest first; `status` (other than publish) needs credentials."""
        user = auth.reader(request)
        posts = _filtered(readable_posts(user, kind=kind), user, status=status, search=search, after=after,
                          before=before, category=category, tag=tag, author=author)  # fmt: skip
        return [post_json(p, user) for p in paginate(posts, page=page, per_page=per_page, request=request,
                                                     response=response)]  # fmt: skip

    @router.post("/", response={201: PostOut, **WRITE_ERRORS}, auth=auth.basic_auth,
                 operation_id=f"create_{noun}", summary=f"Create a {noun}")  # fmt: skip
    def create_post(request: HttpRequest, payload: PostCreate) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        auth.check_create(user, kind=kind)
        data = payload.model_dump(exclude_unset=True)
        post = Post(kind=kind, author=user)
        writing.apply_fields(post, data, previous_status=None)
        categories, tags = writing.terms_for(data, user=user)
        services.save_post(post, by=user, previous_status=None, categories=categories, tags=tags)
        return Answer(201, post_json(post, user))

    def _get(request: HttpRequest, pk: int, user: Any) -> Post:
        return get_object_or_404(readable_posts(user, kind=kind), pk=pk)

    @router.get("/{id}/", response={200: PostOut, 404: ErrorOut, **READ_ERRORS},
                operation_id=f"get_{noun}", summary=f"One {noun}")  # fmt: skip
    def get_post(request: HttpRequest, id: PostId) -> Any:
        user = auth.reader(request)
        return post_json(_get(request, id, user), user)

    @router.patch("/{id}/", response={200: PostOut, 404: ErrorOut, **WRITE_ERRORS}, auth=auth.basic_auth,
                  operation_id=f"update_{noun}", summary=f"Change a {noun}")  # fmt: skip
    def update_post(request: HttpRequest, id: PostId, payload: PostPatch) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        post = _get(request, id, user)
        auth.check_edit(user, post)
        data = payload.model_dump(exclude_unset=True)
        previous = post.status
        writing.apply_fields(post, data, previous_status=previous)
        categories, tags = writing.terms_for(data, user=user)
        services.save_post(post, by=user, previous_status=previous, categories=categories, tags=tags)
        return post_json(Post.objects.get(pk=post.pk), user)

    @router.delete("/{id}/", response={204: None, 404: ErrorOut, **WRITE_ERRORS}, auth=auth.basic_auth,
                   operation_id=f"delete_{noun}", summary=f"Delete a {noun}")  # fmt: skip
    def delete_post(request: HttpRequest, id: PostId) -> Any:
        user = request.auth  # type: ignore[attr-defined]
        post = _get(request, id, user)
        auth.check_delete(user, post)
        services.delete_post(post)
        return Answer(204, None)

    return router


posts_router = make_router(Post.Kind.POST)
pages_router = make_router(Post.Kind.PAGE)
