"""One WordPress item as Sampan keeps it: the fields of a post or page, its terms, its comments and mentions."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.text import slugify

from sampan.blog.models import Category, Post, Tag

from .wxr import Item

STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "future": Post.Status.SCHEDULED,
    "private": Post.Status.PRIVATE,
}
# Taxonomies that are WordPress's own machinery, not a way readers find posts.
INTERNAL_TAXONOMIES = {
    "nav_menu", "link_category", "post_format", "wp_theme", "wp_template_part_area", "wp_pattern_category",
}  # fmt: skip
# Post meta that WordPress keeps for itself (editing locks, ping queues): nothing a reader or author misses.
INTERNAL_META = {
    "_edit_last", "_edit_lock", "_pingme", "_encloseme", "_wp_attached_file", "_wp_attachment_metadata",
    "_thumbnail_id", "_wp_page_template", "_wp_old_slug", "_wp_old_date", "_wp_trash_meta_status",
    "_wp_trash_meta_time", "_wp_desired_post_slug", "_wp_attachment_image_alt",
}  # fmt: skip
NO_DATE = "0000-00-00 00:00:00"


class ItemSkipped(Exception):
    """An item not brought; the message says why."""


def when(local: str, gmt: str) -> datetime | None:
    """The moment of a WordPress date pair: its GMT date, or else its local date read in the site's time zone."""
    for value, zone in ((gmt, UTC), (local, ZoneInfo(settings.TIME_ZONE))):
        value = value.strip()
        if value and value != NO_DATE:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    return None


def meta_reason(what: str, key: str) -> str:
    if key.startswith("_"):
        return f"{what} meta that WordPress or a plugin kept for itself (names starting with “_”)"
    return f"{what} meta “{key}”: no place for it in Sampan"


def old_slug(item: Item) -> str:
    return unquote(item.post_name)


def post_from(item: Item, *, author: Any, body: str, parent: Post | None) -> Post:
    status = STATUSES.get(item.status)
    if status is None:
        raise ItemSkipped(
            f"its status “{item.status or '(none)'}” has no counterpart (only {', '.join(STATUSES)})"
        )
    published_at = when(item.post_date, item.post_date_gmt) or datetime.now(UTC)
    return Post(
        kind=Post.Kind.PAGE if item.post_type == "page" else Post.Kind.POST,
        title=item.title[:300],
        slug=slugify(old_slug(item), allow_unicode=True)[:180],
        author=author,
        status=status,
        published_at=published_at,
        body=body,
        body_format=Post.Format.HTML,
        excerpt=item.excerpt.strip(),
        sticky=item.sticky,
        password=item.password[:100],
        parent=parent if item.post_type == "page" else None,
        menu_order=item.menu_order,
        comments_open=item.comment_status != "closed",
        pings_open=item.ping_status != "closed",
    )


def terms_of(
    item: Item, skipped: Counter[str], known: dict[tuple[str, str], Any]
) -> tuple[list[Category], list[Tag]]:
    """The item's categories and tags, made when new; `known` remembers them by (model, slug) for the run."""
    categories: list[Category] = []
    tags: list[Tag] = []
    for domain, nicename, name in item.terms:
        slug = slugify(unquote(nicename) or name, allow_unicode=True)[:200]
        if not slug:
            continue
        if domain in INTERNAL_TAXONOMIES:
            skipped[f"{domain} terms: WordPress's own machinery"] += 1
            continue
        # post_tag, WXR 1.0's "tag", and custom taxonomies, which readers meet as tags here
        model: type[Category] | type[Tag] = Category if domain == "category" else Tag
        key = (model.__name__, slug)
        if key not in known:
            known[key] = model.objects.get_or_create(slug=slug, defaults={"name": name[:200] or slug})[0]
        (categories if model is Category else tags).append(known[key])
    return categories, tags
