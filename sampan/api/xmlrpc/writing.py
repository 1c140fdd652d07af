"""Creating and changing a post from an app: what MetaWeblog and wp.* share once their fields are read.

Each API reads its own struct into `Changes` (None means "not sent, leave as it is"); `write_post` checks what
the user may do and saves through `sampan.blog.services.save_post`, so a post published from an app is announced,
cached and scheduled exactly like one published in the admin.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xmlrpc.client import Fault

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from sampan.blog import services
from sampan.blog.models import Category, Post, Tag

from . import access, params

Status = Post.Status
NOT_YET_OUT = (None, Status.DRAFT, Status.PENDING)
MIN_YEAR, MAX_YEAR = 1000, 9000


@dataclass
class Changes:
    kind: str | None = None
    title: str | None = None
    body: str | None = None
    excerpt: str | None = None
    slug: str | None = None
    status: str | None = None
    published_at: datetime | None = None
    password: str | None = None
    sticky: bool | None = None
    comments_open: bool | None = None
    pings_open: bool | None = None
    parent_id: int | None = None
    categories: list[str] | None = None  # names
    category_ids: list[int] | None = None
    tags: list[str] | None = None  # names
    tag_ids: list[int] | None = None
    body_format: str | None = None
    menu_order: int | None = None


FORMAT_FIELD = "sampan_format"


def format_from(custom_fields: Any) -> str | None:
    """The body format a script chose with the custom field `sampan_format` ("markdown" or "html"), if any."""
    for entry in params.array(custom_fields, "custom_fields"):
        entry = params.struct(entry, "custom_fields")
        if entry.get("key") == FORMAT_FIELD:
            wanted = str(entry.get("value", "")).strip().lower()
            if wanted not in Post.Format.values:
                raise Fault(403, f"Invalid {FORMAT_FIELD}: use markdown or html.")
            return wanted
    return None


def status_from(value: Any) -> str:
    wanted = str(value).strip().lower()
    if wanted not in Status.values:
        raise Fault(
            403, f"Invalid post status: {wanted[:40]}. Use publish, draft, pending, future or private."
        )
    return wanted


def kind_from(value: Any) -> str:
    wanted = str(value).strip().lower()
    if wanted not in Post.Kind.values:
        raise Fault(403, "Invalid post type.")
    return wanted


def new_post(*, user: Any, changes: Changes) -> Post:
    kind = changes.kind or Post.Kind.POST
    access.check_may_create(user, kind=kind)
    post = Post(author=user, kind=kind, status=Status.DRAFT, body_format=Post.Format.HTML)
    return _write(post, user=user, changes=changes, previous=None)


def edit_post(post: Post, *, user: Any, changes: Changes) -> Post:
    access.check_may_edit(user, post)
    if changes.kind and changes.kind != post.kind:
        raise Fault(401, "The post type may not be changed.")
    return _write(post, user=user, changes=changes, previous=post.status)


def _write(post: Post, *, user: Any, changes: Changes, previous: str | None) -> Post:
    if changes.sticky is not None and changes.sticky != post.sticky and not access.edits_all(user):
        raise Fault(401, "Sorry, you are not allowed to make posts sticky.")
    _apply_text(post, changes)
    _apply_status_and_date(post, changes, previous=previous)
    for name in ("password", "comments_open", "pings_open", "sticky", "menu_order"):
        if getattr(changes, name) is not None:
            setattr(post, name, getattr(changes, name))
    if changes.parent_id is not None:
        post.parent = _parent(post, changes.parent_id)
    try:
        post.clean_fields(exclude=["slug", "author", "parent", "featured_image", "body_html"])
    except ValidationError as err:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in err.message_dict.items())
        raise Fault(400, f"The post could not be saved: {details}") from None
    categories = _categories(changes, user=user)
    tags = _tags(changes, user=user)
    return services.save_post(post, by=user, previous_status=previous, categories=categories, tags=tags)


def _apply_text(post: Post, changes: Changes) -> None:
    if changes.title is not None:
        post.title = changes.title
    if changes.excerpt is not None:
        post.excerpt = changes.excerpt
    if changes.slug is not None:
        post.slug = slugify(changes.slug, allow_unicode=True)[:180]
    if changes.body is None:
        return
    if changes.body_format is not None:  # a script that says what it sends (custom field `sampan_format`)
        post.body, post.body_format = changes.body, changes.body_format
    # An app sends back the HTML we gave it for a Markdown post; unchanged, the post stays Markdown.
    elif not (post.body_format == Post.Format.MARKDOWN and changes.body == post.body_html):
        post.body, post.body_format = changes.body, Post.Format.HTML


def _apply_status_and_date(post: Post, changes: Changes, *, previous: str | None) -> None:
    if changes.status is not None:
        if (
            changes.status == Status.SCHEDULED
            and changes.published_at is None
            and post.published_at <= timezone.now()
        ):
            raise Fault(400, "A scheduled post needs a date in the future (dateCreated or post_date).")
        post.status = changes.status
    when = changes.published_at
    if when is not None and when in _unchanged_dates(post):
        when = None  # the app sent back a date we gave it; "publish now" below still applies, as in the admin
    if when is not None:
        if not MIN_YEAR <= when.year <= MAX_YEAR:
            # Near year 1 or 9999, showing the date in some time zone runs off the calendar.
            raise Fault(400, f"The date must fall between the years {MIN_YEAR} and {MAX_YEAR}.")
        post.published_at = when
    elif previous in NOT_YET_OUT and post.status in (Status.PUBLISHED, Status.PRIVATE):
        post.published_at = timezone.now()  # "publish now", as the admin does when no date was chosen


def _unchanged_dates(post: Post) -> tuple[datetime, ...]:
    """The post's date as we send it: in UTC, and in local time (which apps send back without a zone)."""
    if post.pk is None:
        return ()
    current = post.published_at.replace(microsecond=0)
    return current, timezone.localtime(current).replace(tzinfo=UTC)


def _parent(post: Post, parent_id: int) -> Post | None:
    if parent_id == 0:
        return None
    parent = Post.objects.pages().filter(pk=parent_id).first()
    if post.kind != Post.Kind.PAGE or parent is None or parent.pk == post.pk:
        raise Fault(403, "Invalid parent ID.")
    return parent


def _categories(changes: Changes, *, user: Any) -> list[Category] | None:
    return _terms(Category, changes.category_ids, changes.categories, user=user, perm="blog.add_category")


def _tags(changes: Changes, *, user: Any) -> list[Tag] | None:
    return _terms(Tag, changes.tag_ids, changes.tags, user=user, perm="blog.add_tag")


def _terms(model: Any, ids: list[int] | None, names: list[str] | None, *, user: Any, perm: str) -> Any:
    if ids is None and names is None:
        return None
    chosen = list(model.objects.filter(pk__in=ids or []))
    if len(chosen) != len(set(ids or [])):
        raise Fault(403, "Invalid term ID.")
    missing = []
    for name in dict.fromkeys(n.strip()[:200] for n in names or []):
        found = model.objects.filter(Q(name__iexact=name) | Q(slug=slugify(name, allow_unicode=True))).first()
        if found is None:
            missing.append(name)
        elif found not in chosen:
            chosen.append(found)
    # Refuse before making any, so a refused call leaves no new terms behind.
    if missing and not user.has_perm(perm):
        noun = model._meta.verbose_name
        raise Fault(401, f"Sorry, you are not allowed to add the {noun} “{missing[0]}”.")
    return chosen + [_make_term(model, name) for name in missing]


def _make_term(model: Any, name: str) -> Any:
    base = slugify(name, allow_unicode=True)[:180] or model._meta.model_name
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return model.objects.create(name=name, slug=slug)
