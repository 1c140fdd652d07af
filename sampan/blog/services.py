"""The blog's operations. Views, the admin, the API, importers, commands and tasks all call these."""

import logging
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sampan.core import pagecache

from . import events, images, roles, search
from .models import Category, Post, Revision, Tag
from .rendering import render_body

log = logging.getLogger(__name__)

REVISION_FIELDS = ("title", "body", "body_format", "excerpt")


def unique_slug(post: Post, wanted: str = "") -> str:
    base = slugify(wanted or post.slug or post.title, allow_unicode=True)[:180] or "untitled"
    siblings = Post.objects.filter(kind=post.kind).exclude(pk=post.pk)
    if post.is_page:
        siblings = siblings.filter(parent=post.parent)
    slug, n = base, 2
    while siblings.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def save_post(
    post: Post,
    *,
    by: AbstractBaseUser | None = None,
    previous_status: str | None = None,
    categories: Iterable[Category] | None = None,
    tags: Iterable[Tag] | None = None,
    featured_image_changed: bool = False,
) -> Post:
    """Save a post or page as the author left it: render it, keep a revision, publish or schedule it.

    `previous_status` is the status before this edit (None for a new post), so that we know whether the
    post has just gone live, changed while live, or left the public view. `categories` and `tags`, when
    given, replace the post's own before anyone hears of it. `featured_image_changed` makes the image's
    sizes anew.
    """
    was_live = previous_status == Post.Status.PUBLISHED
    if post.status == Post.Status.PUBLISHED and post.published_at > timezone.now():
        post.status = Post.Status.SCHEDULED
    if post.status == Post.Status.SCHEDULED and post.published_at <= timezone.now():
        post.status = Post.Status.PUBLISHED
    post.slug = unique_slug(post)
    post.body_html = render_body(post.body, body_format=post.body_format)
    with transaction.atomic():
        post.save()
        if categories is not None:
            post.categories.set(categories)
        if tags is not None:
            post.tags.set(tags)
        _keep_revision(post, by=by)
        search.index_post(post)
        if post.status == Post.Status.SCHEDULED:
            transaction.on_commit(lambda: _schedule(post))
    if featured_image_changed:
        _make_image_variants(post)
    pagecache.invalidate()
    now_live = post.status == Post.Status.PUBLISHED
    if now_live and not was_live:
        events.post_published.send(sender=Post, post=post)
    elif now_live:
        events.post_updated.send(sender=Post, post=post)
    elif was_live:
        events.post_unpublished.send(sender=Post, post=post)
    return post


def import_post(post: Post, *, categories: Iterable[Category] = (), tags: Iterable[Tag] = ()) -> Post:
    """Save a new post or page brought from another blog as it was there: status and dates kept, nobody told.

    No publish events (followers are not mailed about a post from years ago, nobody is pinged) and no cache
    refresh: the importer refreshes the cache once when it is done. A taken slug is made free; the caller
    compares to report it.
    """
    if post.pk is not None:
        raise ValueError("import_post saves new posts only; use save_post for an existing one")
    post.slug = unique_slug(post)
    post.body_html = render_body(post.body, body_format=post.body_format)
    with transaction.atomic():
        post.save()
        # A new post has no terms yet: insert the links at once (an import saves thousands of posts).
        Post.categories.through.objects.bulk_create(
            [Post.categories.through(post_id=post.pk, category_id=pk) for pk in {c.pk for c in categories}]
        )
        Post.tags.through.objects.bulk_create(
            [Post.tags.through(post_id=post.pk, tag_id=pk) for pk in {t.pk for t in tags}]
        )
        Revision.objects.create(post=post, **{f: getattr(post, f) for f in REVISION_FIELDS})  # type: ignore[misc]
        search.index_post(post)
        if post.status == Post.Status.SCHEDULED and post.published_at > timezone.now():
            transaction.on_commit(lambda: _schedule(post))
    return post


def _make_image_variants(post: Post) -> None:
    # Outside the transaction: resizing a large photo takes a while, and must not hold the write lock.
    # A bad image (the admin refuses them; an import may not) leaves the post saved, without sizes.
    try:
        images.make_featured_image_variants(post)
    except (images.ImageRefused, OSError):
        log.exception(
            "Could not make sizes of the featured image %s of post %s", post.featured_image, post.pk
        )


def _keep_revision(post: Post, *, by: AbstractBaseUser | None) -> None:
    latest = post.revisions.first()
    if latest and all(getattr(latest, f) == getattr(post, f) for f in REVISION_FIELDS):
        return
    Revision.objects.create(post=post, saved_by=by, **{f: getattr(post, f) for f in REVISION_FIELDS})  # type: ignore[misc]


def restore_revision(revision: Revision, *, by: AbstractBaseUser | None) -> Post:
    post = revision.post
    previous = post.status
    for field in REVISION_FIELDS:
        setattr(post, field, getattr(revision, field))
    return save_post(post, by=by, previous_status=previous)


def _schedule(post: Post) -> None:
    from .tasks import publish_due_posts

    if not publish_due_posts.get_backend().supports_defer:
        # The author's save has already been committed; failing here would show them an error for nothing.
        log.warning(
            "The task backend cannot run work later; scheduled post %s goes out when the worker next starts.",
            post.pk,
        )
        return
    publish_due_posts.using(run_after=post.published_at).enqueue()


def publish_due_posts(*, now: datetime | None = None) -> list[Post]:
    """Publish every scheduled post whose time has come. Safe to run any number of times, from any process."""
    now = now or timezone.now()
    published = []
    for post in Post.objects.filter(status=Post.Status.SCHEDULED, published_at__lte=now):
        with transaction.atomic():
            claimed = Post.objects.filter(pk=post.pk, status=Post.Status.SCHEDULED).update(
                status=Post.Status.PUBLISHED
            )
        if claimed:
            post.status = Post.Status.PUBLISHED
            log.info("Published scheduled post %s: %s", post.pk, post.title)
            published.append(post)
            events.post_published.send(sender=Post, post=post)
    if published:
        pagecache.invalidate()
    return published


def delete_post(post: Post) -> None:
    if post.status == Post.Status.PUBLISHED:
        events.post_unpublished.send(sender=Post, post=post)
    with transaction.atomic():
        search.unindex_post(post)
        post.delete()
    pagecache.invalidate()


def post_is_visible_to(post: Post, user: AbstractBaseUser | None) -> bool:
    """May this user read this post at its URL? (A password, if any, is asked for separately.)"""
    if post.is_live:
        return True
    if user is None or not user.is_authenticated:
        return False
    # Drafts, scheduled and private posts: their author, and those who edit everyone's (as in WordPress).
    return post.author_id == user.pk or roles.can_edit_others_posts(user)
