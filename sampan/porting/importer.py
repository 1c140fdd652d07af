"""`import_wxr`: a WordPress export brought into Sampan, in batches, resumable, idempotent.

The file is read twice, streaming: first for the header (authors, categories, tags) and the attachments, so
that every file is home before any post links to it; then for posts, pages and their comments. Each batch of
items is one transaction, and the run's resume point moves with it: a failure or Ctrl-C leaves the site as it
was before the failed batch, and running the same command again carries on (what is already in is recognised
by its WordPress ID or GUID and left alone, so nothing is doubled).
"""

import copy
import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.db import transaction
from django.db.models import F

from sampan.blog import images
from sampan.blog.models import Category, Post, Tag
from sampan.blog.services import import_post
from sampan.core import pagecache

from . import content, items, media, threads
from .authors import Authors, UnknownAuthor
from .models import ImportedItem, ImportRun, OldLink
from .wxr import Author, Channel, Item, Term, WxrError, WxrReader

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (stage, items done, items in all if known)


@dataclass
class Options:
    dry_run: bool = False
    author_map: dict[str, str] | None = None
    skip_media: bool = False
    media_from: Path | None = None
    batch_size: int = 100


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)  # posts, pages, comments, mentions, media, …
    unchanged: Counter[str] = field(default_factory=Counter)  # already imported by an earlier run
    skipped: Counter[str] = field(default_factory=Counter)  # reason → how many
    notes: list[str] = field(default_factory=list)
    resumed_after_line: int = 0
    dry_run: bool = False


class ImportStopped(Exception):
    """The import could not go on; the message names the item and line, and what is (not) in."""


class _DryRunOver(Exception):
    pass


def import_wxr(
    path: Path | str, *, options: Options | None = None, progress: Progress | None = None
) -> Report:
    importer = Importer(Path(path), options or Options(), progress)
    if not importer.options.dry_run:
        try:
            importer.run()
        finally:
            pagecache.invalidate()  # once, for everything committed (new posts, comments, menus)
        return importer.report
    try:
        with transaction.atomic():
            importer.run()
            raise _DryRunOver
    except _DryRunOver:
        pass
    return importer.report


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def old_path(link: str) -> str | None:
    """The path an item's <link> had, if it is one a path lookup can answer (not "/?p=12", not the home)."""
    parts = urlsplit(link.strip())
    path = unquote(parts.path or "/")
    return None if path == "/" or len(path) > 500 else path


class Importer:
    def __init__(self, path: Path, options: Options, progress: Progress | None) -> None:
        self.path, self.options = path, options
        self.progress = progress or (lambda stage, done, total: None)
        self.report = Report(dry_run=options.dry_run)
        self.authors = Authors(mapping=options.author_map, notes=self.report.notes)
        self.terms: list[Term] = []
        self.source = ""
        # What earlier runs (and this one) brought, by WordPress ID: small, so memory stays flat.
        self.attachments: dict[int, ImportedItem] = {}
        self.posts: dict[int, int] = {}  # WordPress ID → post pk
        self.guids: set[str] = set()
        self.index = media.MediaIndex()
        self.pictures: dict[int, content.Picture] = {}
        self.first_line: dict[int, int] = {}
        self.waiting: dict[int, list[Item]] = {}
        self.posts_in_file = 0
        self.current: Item | None = None
        self.last_done: Item | None = None
        self.written: list[Path] = []
        self.run_row: ImportRun | None = None
        self.terms_known: dict[tuple[str, str], Any] = {}
        self.imported_before: set[int] = set()
        self.batch_rows: dict[int, ImportedItem] = {}  # post pk → its record, for the batch's comments
        self.old_paths: set[str] = set()
        self.threads = threads.Threads(
            known={},
            users=self.authors,
            notes=self.report.notes,
            skipped=self.report.skipped,
        )

    # The two passes ------------------------------------------------------------------------------------------

    def run(self) -> None:
        if not self.path.is_file():
            raise ImportStopped(f"{self.path} is not a file")
        self.run_row, _ = ImportRun.objects.get_or_create(
            fingerprint=fingerprint(self.path), defaults={"file_name": self.path.name[:500]}
        )
        if not self.run_row.finished and self.run_row.last_line:
            self.report.resumed_after_line = self.run_row.last_line
        attachments: list[Item] = []
        done = 0
        for record in self._read(light=True):
            if isinstance(record, Channel):
                self._start(record)
            elif isinstance(record, Author):
                self.authors.add(record)
            elif isinstance(record, Term):
                self.terms.append(record)
            elif record.post_type == "attachment":
                self._first_seen(record)
                attachments.append(record)
                if len(attachments) >= self.options.batch_size:
                    done += len(attachments)
                    self._commit(attachments, self._attachment)
                    self.progress("media", done, None)
                    attachments = []
            else:
                self._first_seen(record)
                self.posts_in_file += 1
        self._commit(attachments, self._attachment)
        self.progress("media", done + len(attachments), done + len(attachments))
        self._make_terms()
        self._second_pass()
        ImportRun.objects.filter(pk=self.run_row.pk).update(finished=True, source=self.source[:300])

    def _second_pass(self) -> None:
        batch: list[Item] = []
        size, done = 0, 0
        for record in self._read():
            if not isinstance(record, Item) or record.post_type == "attachment":
                continue
            batch.append(record)
            size += 1 + len(record.comments) // 20
            if size >= self.options.batch_size:
                self._commit(batch, self._post_item)
                done += len(batch)
                self.progress("items", done, self.posts_in_file)
                batch, size = [], 0
        self._commit(batch, self._post_item)
        self.progress("items", done + len(batch), self.posts_in_file)
        orphans = [item for children in self.waiting.values() for item in children]
        self.waiting.clear()
        for item in orphans:
            self.report.notes.append(
                f"Page {item.label}: its parent page was not imported; it is a top-level page."
            )
            item.parent = 0
        self._commit(orphans, self._post_item)

    def _read(self, *, light: bool = False) -> Iterator[Channel | Author | Term | Item]:
        reader = WxrReader(self.path, light=light)
        try:
            for record in reader:
                if isinstance(record, Item):
                    self.current = record
                yield record
        except WxrError as err:
            after = f" after {self.last_done.label}" if self.last_done else ""
            raise ImportStopped(
                f"{err}. Reading stopped{after}; what came before is imported, nothing after it."
            ) from err

    def _start(self, channel: Channel) -> None:
        self.source = (channel.base_site_url or channel.link or "unknown").rstrip("/")[:300]
        for row in ImportedItem.objects.filter(source=self.source, post_type="attachment"):
            self.attachments[row.wp_id] = row
            if row.file:
                self._index_file(row, title="")
        self.posts = dict(
            ImportedItem.objects.filter(source=self.source, post__isnull=False).values_list(
                "wp_id", "post_id"
            )
        )
        # The same items exported under another site address (a moved domain) are found by their GUIDs.
        self.guids = set(
            ImportedItem.objects.exclude(guid="").exclude(source=self.source).values_list("guid", flat=True)
        )
        self.old_paths = set(OldLink.objects.values_list("path", flat=True))

    def _first_seen(self, item: Item) -> None:
        self.first_line.setdefault(item.wp_id, item.line)

    def _is_duplicate(self, item: Item) -> bool:
        first = self.first_line.get(item.wp_id, item.line)
        if first != item.line:
            self.report.skipped[
                f"items with a duplicate WordPress ID (the first one is kept): {item.label}"
            ] += 1
            return True
        return False

    # Batches -------------------------------------------------------------------------------------------------

    def _commit(self, batch: Iterable[Item], handle: Callable[[Item], None]) -> None:
        batch = list(batch)
        if not batch:
            return
        saved = copy.deepcopy((self.report.counts, self.report.unchanged, self.report.skipped))
        notes = len(self.report.notes)
        self.written = []
        self.threads = threads.Threads(
            known={},
            users=self.authors,
            notes=self.report.notes,
            skipped=self.report.skipped,
        )
        self.batch_rows = {}
        try:
            with transaction.atomic():
                for item in batch:
                    self.current = item
                    handle(item)
                self._write_comments()
                ImportRun.objects.filter(pk=self.run_row.pk).update(  # type: ignore[union-attr]
                    items_done=F("items_done") + len(batch), last_line=batch[-1].line
                )
        except (Exception, KeyboardInterrupt) as err:
            for path in self.written:
                path.unlink(missing_ok=True)
            self.report.counts, self.report.unchanged, self.report.skipped = saved
            del self.report.notes[notes:]
            what = self.current.label if self.current else "the first item"
            if isinstance(err, KeyboardInterrupt):
                why = "interrupted"
            else:
                log.exception("Import of %s failed at %s", self.path, what)
                why = f"{type(err).__name__}: {err}"
            raise ImportStopped(
                f"Import stopped at {what}: {why}. The site is as it was before this batch (items from line "
                f"{batch[0].line}); run the same command again to resume."
            ) from err
        self.last_done = batch[-1]

    # Header --------------------------------------------------------------------------------------------------

    def _make_terms(self) -> None:
        with transaction.atomic():
            parents: list[tuple[Category, str]] = []
            for term in self.terms:
                slug = items.slugify(unquote(term.slug) or term.name, allow_unicode=True)[:200]
                if not slug:
                    continue
                if term.taxonomy in items.INTERNAL_TAXONOMIES:
                    self.report.skipped[f"{term.taxonomy} terms: WordPress's own machinery"] += 1
                    continue
                model: type[Category] | type[Tag] = Category if term.taxonomy == "category" else Tag
                fields = {"name": term.name[:200] or slug, "description": term.description}
                if model is Tag:
                    fields.pop("description")
                obj, created = model.objects.get_or_create(slug=slug, defaults=fields)
                kind = "categories" if model is Category else "tags"
                (self.report.counts if created else self.report.unchanged)[kind] += 1
                if isinstance(obj, Category) and term.parent and created:
                    parents.append((obj, items.slugify(unquote(term.parent), allow_unicode=True)))
            for category, parent_slug in parents:
                parent = Category.objects.filter(slug=parent_slug).first()
                if parent is None:
                    self.report.notes.append(
                        f"Category {category.slug!r}: its parent {parent_slug!r} is not in the file."
                    )
                elif parent.pk != category.pk:
                    Category.objects.filter(pk=category.pk).update(parent=parent)

    # Attachments ---------------------------------------------------------------------------------------------

    def _attachment(self, item: Item) -> None:
        if self._is_duplicate(item):
            return
        existing = self.attachments.get(item.wp_id)
        if existing is not None and (existing.file or self.options.skip_media):
            self.report.unchanged["media"] += 1
            return
        name = ""
        if self.options.skip_media:
            self.report.skipped["media: not brought (--skip-media)"] += 1
        elif self.options.dry_run and self.options.media_from is None:
            self.report.counts["media"] += 1  # would be downloaded
        else:
            try:
                rel, data = media.obtain(item, media_from=self.options.media_from)
            except media.MediaSkipped as err:
                self.report.skipped[f"media: {err}"] += 1
                self.report.notes.append(
                    f"Attachment {item.label} ({item.attachment_url}) not brought: {err}"
                )
            else:
                name = rel if self.options.dry_run else self._save(rel, data)
                self.report.counts["media"] += 1
        row, _ = ImportedItem.objects.update_or_create(
            source=self.source,
            wp_id=item.wp_id,
            defaults={"guid": item.guid[:500], "post_type": "attachment", "file": name,
                      "old_url": item.attachment_url[:1000], "parent_wp_id": item.parent or None,
                      "local_date": item.post_date[:19]},
        )  # fmt: skip
        self.attachments[item.wp_id] = row
        if name:
            self._index_file(row, title=item.title)
            key = media.relative_path(item)
            self.index.add(old_url="", key=key, local_url=media.url_of(name))
        self._remember_old_link(item, row)

    def _save(self, rel: str, data: bytes) -> str:
        name, path = media.save(rel, data)
        self.written.append(path)
        return name

    def _index_file(self, row: ImportedItem, *, title: str) -> None:
        url = media.url_of(row.file)
        self.index.add(old_url=row.old_url, key=media.uploads_key(row.old_url) or row.file, local_url=url)
        self.pictures[row.wp_id] = content.Picture(url=url, title=title, parent_wp_id=row.parent_wp_id or 0)

    # Posts and pages -----------------------------------------------------------------------------------------

    def _post_item(self, item: Item) -> None:
        if item.post_type not in ("post", "page"):
            self.report.skipped[f"{item.post_type or 'untyped'} items: no counterpart in Sampan"] += 1
            return
        if self._is_duplicate(item):
            return
        kind = "pages" if item.post_type == "page" else "posts"
        existing = self.posts.get(item.wp_id)
        if existing is None and item.guid and item.guid in self.guids:
            existing = (
                ImportedItem.objects.filter(guid=item.guid)
                .exclude(post=None)
                .values_list("post_id", flat=True)
                .first()
            )
        if existing is not None:
            self.report.unchanged[kind] += 1
            self.imported_before.add(existing)
            self._comments(
                item, Post.objects.get(pk=existing)
            )  # new comments since the last export still come in
            self._children_of(item)
            return
        waits, parent = self._parent_page(item)
        if waits:
            return  # until its parent, further down the file, is in
        try:
            author = self.authors.user_for(item.creator)
            post = self._save_post(item, author=author, parent=parent)
        except (UnknownAuthor, items.ItemSkipped) as err:
            self.report.skipped[f"{kind}: {err}"] += 1
            return
        row = ImportedItem.objects.create(
            source=self.source, wp_id=item.wp_id, guid=item.guid[:500], post_type=item.post_type, post=post,
            parent_wp_id=item.parent or None, local_date=item.post_date[:19],
        )  # fmt: skip
        self.posts[item.wp_id] = post.pk
        self.batch_rows[post.pk] = row
        self.report.counts[kind] += 1
        self._remember_old_link(item, row, post=post)
        self._comments(item, post)
        self._children_of(item)

    def _parent_page(self, item: Item) -> tuple[bool, Post | None]:
        """(whether the page must wait for its parent, further down the file; the parent page or None)."""
        if item.post_type != "page" or not item.parent:
            return False, None
        known = self.posts.get(item.parent)
        if known is not None:
            return False, Post.objects.get(pk=known)
        if self.first_line.get(item.parent, 0) > item.line:
            self.waiting.setdefault(item.parent, []).append(item)
            return True, None
        self.report.notes.append(
            f"Page {item.label}: its parent page {item.parent} is not in the file or was not imported; it is a top-level page."
        )
        return False, None

    def _children_of(self, item: Item) -> None:
        for child in self.waiting.pop(item.wp_id, []):
            self._post_item(child)

    def _save_post(self, item: Item, *, author: Any, parent: Post | None) -> Post:
        body = content.to_html(
            item.content,
            pictures=self.pictures,
            post_wp_id=item.wp_id,
            rewrite_url=self.index.rewrite if self.index.files else None,
        )
        post = items.post_from(item, author=author, body=body, parent=parent)
        wanted = post.slug
        categories, tags = items.terms_of(item, self.report.skipped, self.terms_known)
        import_post(post, categories=categories, tags=tags)
        if wanted and post.slug != wanted:
            self.report.notes.append(
                f"{item.label}: the address “{wanted}” was taken; it is now “{post.slug}” (the old link still works)."
            )
        self._featured_image(item, post)
        for key, _ in item.meta:
            if key not in items.INTERNAL_META:
                self.report.skipped[items.meta_reason("post", key)] += 1
        return post

    def _featured_image(self, item: Item, post: Post) -> None:
        thumbnail = next((v for k, v in item.meta if k == "_thumbnail_id"), "").strip()
        row = self.attachments.get(int(thumbnail)) if thumbnail.isdigit() else None
        if row is None or not row.file or self.options.dry_run:
            return
        post.featured_image.name = row.file
        Post.objects.filter(pk=post.pk).update(featured_image=row.file)
        try:
            images.make_featured_image_variants(post)
        except (images.ImageRefused, OSError) as err:
            self.report.notes.append(f"{item.label}: its featured image has no smaller sizes ({err}).")

    def _comments(self, item: Item, post: Post) -> None:
        if not item.comments:
            return
        if post.pk in self.imported_before and post.pk not in self.batch_rows:
            # Comments of a post imported by an earlier run: the ones already here are left alone. Only these
            # are looked up, so memory does not grow with the number of comments in the file.
            row = ImportedItem.objects.filter(source=self.source, post=post).first()
            if row is not None:
                self.batch_rows[post.pk] = row
                self.threads.known.update({int(k): v for k, v in row.comment_ids.items()})
        self.threads.add(item, post)

    def _write_comments(self) -> None:
        by_post: dict[int, dict[str, int]] = {}
        for wp_id, comment in self.threads.write():
            by_post.setdefault(comment.post_id, {})[str(wp_id)] = comment.pk
            self.report.counts["mentions" if comment.is_mention else "comments"] += 1
        for post_pk, ids in by_post.items():
            row = self.batch_rows[post_pk]
            ImportedItem.objects.filter(pk=row.pk).update(comment_ids={**row.comment_ids, **ids})

    def _remember_old_link(self, item: Item, row: ImportedItem, *, post: Post | None = None) -> None:
        path = old_path(item.link)
        if path is None or (post is not None and path == unquote(post.get_absolute_url())):
            return  # it answers there already
        if path not in self.old_paths:
            OldLink.objects.create(path=path, item=row)
            self.old_paths.add(path)
        elif not OldLink.objects.filter(path=path, item=row).exists():
            self.report.notes.append(f"{item.label}: its old address {path} already leads to another item.")
