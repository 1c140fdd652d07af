"""Posts and pages as the API shows them: who may see which, and each one's JSON."""

from datetime import UTC, datetime, timedelta
from datetime import timezone as fixed_offset
from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from sampan.blog.models import Post
from sampan.blog.rendering import summary
from sampan.blog.roles import can_edit_others_posts
from sampan.comments import services as comments
from sampan.comments.models import Comment

from .auth import may_edit


def absolute(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") and not url.startswith("//") else url


def readable_posts(user: Any, *, kind: str) -> QuerySet[Post]:
    """What this reader may see at all: the live ones; a writer also sees their own, private ones and, as an
    editor, everything."""
    posts = (
        Post.objects.filter(kind=kind)
        .select_related("author", "parent")
        .prefetch_related("categories", "tags")
        .annotate(approved_comments=_approved_comments())
    )
    if not user.is_authenticated:
        return posts.live()
    if can_edit_others_posts(user):
        return posts
    visible = Q(status=Post.Status.PUBLISHED, published_at__lte=timezone.now()) | Q(author=user)
    if user.has_perm("blog.view_post"):
        visible |= Q(status=Post.Status.PRIVATE)
    return posts.filter(visible)


def _approved_comments() -> Coalesce:
    # One correlated count per listed post (indexed on post and status), not a query per post.
    approved = (
        Comment.objects.filter(post=OuterRef("pk"), status=Comment.Status.APPROVED)
        .exclude(mention_type=Comment.MentionType.LIKE)
        .order_by()
    )
    counted = approved.values("post").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def local(moment: datetime) -> datetime:
    """In the site's time zone; old dates whose offset has seconds (local mean time, before ~1900) get the
    nearest whole minute, since RFC 3339 (and so JSON Schema's date-time) has no seconds in an offset."""
    shown = timezone.localtime(moment)
    offset = shown.utcoffset() or timedelta(0)
    if offset.total_seconds() % 60:
        shown = moment.astimezone(fixed_offset(timedelta(minutes=round(offset.total_seconds() / 60))))
    return shown


def _featured_image(post: Post) -> dict[str, Any] | None:
    if not post.featured_image:
        return None
    variants = post.featured_image_variants or {}
    candidates = [c.strip() for c in variants.get("srcset", "").split(",") if c.strip()]
    return {
        "url": absolute(post.featured_image.url),
        "srcset": ", ".join(absolute(c) for c in candidates),
        "alt": post.featured_image_alt,
        "width": variants.get("width"),
        "height": variants.get("height"),
    }


def post_json(post: Post, user: Any) -> dict[str, Any]:
    editor = user.is_authenticated and may_edit(user, post)
    # A protected post's words are for those who know its password (or may edit it), as on the site.
    hidden = bool(post.password) and not editor
    author = post.author
    return {
        "id": post.pk,
        "type": post.kind,
        "title": post.title,
        "slug": post.slug,
        "status": post.status,
        "date": local(post.published_at),
        "date_gmt": post.published_at.astimezone(UTC),
        "modified": local(post.updated_at),
        "link": absolute(post.get_absolute_url()),
        "author": {
            "id": author.pk,
            "username": author.get_username(),
            "name": author.get_full_name() or author.get_username(),  # type: ignore[attr-defined]
        },
        "content": {
            "raw": post.body if editor else None,
            "rendered": "" if hidden else post.body_html,
            "format": post.body_format,
            "protected": bool(post.password),
        },
        "excerpt": {
            "raw": post.excerpt if editor else None,
            "rendered": "" if hidden else (post.excerpt or summary(post.body_html)),
        },
        "sticky": post.sticky,
        "password_protected": bool(post.password),
        "password": post.password if editor else None,
        "categories": sorted(c.pk for c in post.categories.all()),
        "tags": sorted(t.pk for t in post.tags.all()),
        "featured_image": _featured_image(post),
        "parent": post.parent_id,
        "menu_order": post.menu_order,
        "comments_open": post.comments_open,
        "comment_count": _comment_count(post),
    }


def _comment_count(post: Post) -> int:
    counted = getattr(post, "approved_comments", None)
    return counted if counted is not None else comments.count_approved(post)
