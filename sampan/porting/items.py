"""One WordPress item as Sampan keeps it: the fields of a post or page, its terms, its comments and mentions."""

from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.text import slugify

from sampan.blog.models import Category, Post, Tag
from sampan.comments.models import Comment
from sampan.comments.services import import_comment

from .wxr import Item, WxrComment

STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.PENDING,
    "future": Post.Status.SCHEDULED,
    "private": Post.Status.PRIVATE,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
COMMENT_KINDS = {
    "": Comment.Kind.COMMENT,
    "comment": Comment.Kind.COMMENT,
    "pingback": Comment.Kind.PINGBACK,
    "trackback": Comment.Kind.TRACKBACK,
    "webmention": Comment.Kind.WEBMENTION,
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
                return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
            except ValueError:
                continue
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


def terms_of(item: Item, skipped: Counter[str]) -> tuple[list[Category], list[Tag]]:
    categories: list[Category] = []
    tags: list[Tag] = []
    for domain, nicename, name in item.terms:
        slug = slugify(unquote(nicename) or name, allow_unicode=True)[:200]
        if not slug:
            continue
        if domain == "category":
            categories.append(
                Category.objects.get_or_create(slug=slug, defaults={"name": name[:200] or slug})[0]
            )
        elif domain in INTERNAL_TAXONOMIES:
            skipped[f"{domain} terms: WordPress's own machinery"] += 1
        else:  # post_tag, WXR 1.0's "tag", and custom taxonomies, which readers meet as tags here
            tags.append(Tag.objects.get_or_create(slug=slug, defaults={"name": name[:200] or slug})[0])
    return categories, tags


def comment_fields(c: WxrComment, *, post: Post, user: Any) -> dict[str, Any]:
    kind = COMMENT_KINDS.get(c.type)
    if kind is None:
        raise ItemSkipped(f"comment type “{c.type}” has no counterpart")
    created = when(c.date, c.date_gmt) or post.published_at
    mention = kind != Comment.Kind.COMMENT
    return {
        "post": post,
        "body": c.content,
        "status": COMMENT_STATUSES.get(c.approved, Comment.Status.PENDING),
        "created_at": created,
        "kind": kind,
        "author_name": c.author[:200],
        "author_email": c.email[:254],
        "author_url": c.url[:500],
        "source_url": c.url[:1000] if mention else "",
        "user": user,
    }


def import_comments(
    item: Item,
    *,
    post: Post,
    known: dict[int, int],
    users: Any,
    notes: list[str],
    skipped: Counter[str],
) -> list[tuple[int, Comment]]:
    """The item's comments not imported before, each after its parent (threads kept); returns (wp_id, comment).

    `known` maps WordPress comment IDs imported earlier (this run or before) to comment pks; it grows."""
    new: dict[int, WxrComment] = {}
    for c in item.comments:
        if c.wp_id in new:
            skipped["comments with a duplicate WordPress ID"] += 1
        elif c.wp_id not in known:
            new[c.wp_id] = c
    replies: dict[int, list[WxrComment]] = {}
    queue: deque[WxrComment] = deque()
    for c in new.values():
        if c.parent and c.parent in new:
            replies.setdefault(c.parent, []).append(c)
        else:
            if c.parent and c.parent not in known:
                notes.append(
                    f"Comment {c.wp_id} on {item.label} replies to comment {c.parent}, which is not in the "
                    "file: kept as a top-level comment."
                )
                c.parent = 0
            queue.append(c)
    made: dict[int, Comment] = {}
    created: list[tuple[int, Comment]] = []
    while queue:
        c = queue.popleft()
        queue.extend(replies.pop(c.wp_id, []))
        comment = _import_one(
            c, post=post, parent=_parent(c.parent, made, known), users=users, skipped=skipped
        )
        if comment is not None:
            known[c.wp_id] = comment.pk
            made[c.wp_id] = comment
            created.append((c.wp_id, comment))
    for orphans in replies.values():  # replies in a loop (a file edited by hand): kept, at the top level
        for c in orphans:
            notes.append(
                f"Comment {c.wp_id} on {item.label} is part of a reply loop: kept as a top-level comment."
            )
            comment = _import_one(c, post=post, parent=None, users=users, skipped=skipped)
            if comment is not None:
                known[c.wp_id] = comment.pk
                created.append((c.wp_id, comment))
    return created


def _parent(wp_id: int, made: dict[int, Comment], known: dict[int, int]) -> Comment | None:
    if not wp_id:
        return None
    if wp_id in made:
        return made[wp_id]
    pk = known.get(wp_id)
    return Comment.objects.filter(pk=pk).first() if pk else None


def _import_one(
    c: WxrComment, *, post: Post, parent: Comment | None, users: Any, skipped: Counter[str]
) -> Comment | None:
    try:
        fields = comment_fields(c, post=post, user=users.user_for_wp_id(c.user_id) if c.user_id else None)
    except ItemSkipped as err:
        skipped[f"comments: {err}"] += 1
        return None
    for key, _ in c.meta:
        skipped[meta_reason("comment", key)] += 1
    return import_comment(parent=parent, **fields)
