"""Turning a request's JSON into a post or page, and its categories and tags; saving is `services.save_post`."""

from typing import Any

from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify
from ninja.errors import ValidationError

from sampan.blog.models import Category, Post, Tag

# JSON field → model field, for the fields copied as they come.
SIMPLE_FIELDS = {
    "title": "title", "content": "body", "format": "body_format", "excerpt": "excerpt", "status": "status",
    "date": "published_at", "slug": "slug", "sticky": "sticky", "password": "password",
    "comments_open": "comments_open", "menu_order": "menu_order",
}  # fmt: skip
DRAFTS = (Post.Status.DRAFT, Post.Status.PENDING)


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


def apply_fields(post: Post, data: dict[str, Any], *, previous_status: str | None) -> None:
    """Copy what was sent onto the post (not saved). `data` holds only the fields the client sent."""
    for key, field in SIMPLE_FIELDS.items():
        if data.get(key) is not None:
            setattr(post, field, data[key])
    if previous_status in DRAFTS and post.status == Post.Status.PUBLISHED and data.get("date") is None:
        # A draft goes out dated when it is published, not when it was first saved (as WordPress does).
        post.published_at = timezone.now()
    if "parent" in data:
        post.parent = _parent_page(post, data["parent"])


def _parent_page(post: Post, parent_id: int | None) -> Post | None:
    if parent_id is None:
        return None
    if not post.is_page:
        raise invalid("parent", "Only pages have a parent.")
    parent = Post.objects.filter(kind=Post.Kind.PAGE, pk=parent_id).first()
    node, steps = parent, 0
    while node is not None and steps < 50:
        if post.pk is not None and node.pk == post.pk:
            raise invalid("parent", "A page cannot be placed under itself or one of its subpages.")
        node, steps = node.parent, steps + 1
    if parent is None:
        raise invalid("parent", f"There is no page {parent_id}.")
    return parent


def _unique_term_slug(model: type[Model], wanted: str) -> str:
    base = slugify(wanted, allow_unicode=True)[:180] or "term"
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():  # type: ignore[attr-defined]
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_term(model: type[Model], *, name: str, slug: str | None = None, **fields: Any) -> Any:
    return model._default_manager.create(  # type: ignore[attr-defined]
        name=name.strip(), slug=_unique_term_slug(model, slug or name), **fields
    )


def _terms(model: type[Model], data: dict[str, Any], *, ids_field: str, names_field: str,
           may_add: bool) -> list[Any] | None:  # fmt: skip
    ids, names = data.get(ids_field), data.get(names_field)
    if ids is None and names is None:
        return None  # leave the post's own as they are
    manager = model._default_manager  # type: ignore[attr-defined]
    found = list(manager.filter(pk__in=ids or []))
    missing = sorted(set(ids or []) - {t.pk for t in found})
    if missing:
        raise invalid(ids_field, f"No such {model._meta.verbose_name}: {', '.join(map(str, missing))}.")
    for name in names or []:
        term = manager.filter(name__iexact=name.strip()).first() or manager.filter(slug=slugify(name)).first()
        if term is None and not may_add:
            raise invalid(
                names_field, f"No {model._meta.verbose_name} named {name!r}, and you may not add one."
            )
        found.append(term or create_term(model, name=name))
    return list({t.pk: t for t in found}.values())


def terms_for(data: dict[str, Any], *, user: Any) -> tuple[list[Category] | None, list[Tag] | None]:
    """The categories and tags to give the post (None: keep its own), adding named ones the user may add."""
    categories = _terms(Category, data, ids_field="categories", names_field="category_names",
                        may_add=user.has_perm("blog.add_category"))  # fmt: skip
    tags = _terms(Tag, data, ids_field="tags", names_field="tag_names", may_add=user.has_perm("blog.add_tag"))
    return categories, tags
