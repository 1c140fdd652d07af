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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import F

from sampan.blog import images
from sampan.blog.models import Post
from sampan.blog.services import import_post
from sampan.core import pagecache

from . import content, items, threads
from .attachments import Attachments
from .authors import Authors, UnknownAuthor
from .links import LinkBook
from .models import ImportedItem, ImportRun
from .report import ImportStopped, Options, Report
from .terms import make_terms
from .wxr import Author, Channel, Item, Term, WxrError, WxrReader

__all__ = ["ImportStopped", "Options", "Report", "import_wxr"]

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (stage, items done, items in all if known)


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


class Importer:
    def __init__(self, path: Path, options: Options, progress: Progress | None) -> None:
        self.path, self.options = path, options
        self.progress = progress or (lambda stage, done, total: None)
        self.report = Report(dry_run=options.dry_run)
        self.authors = Authors(mapping=options.author_map, notes=self.report.notes)
        self.terms: list[Term] = []
        self.source = ""
        self.links = LinkBook(self.report.notes)
        self.media = Attachments(options=options, report=self.report, links=self.links)
        # Posts earlier runs (and this one) brought, by WordPress ID: small, so memory stays flat.
        self.posts: dict[int, int] = {}  # WordPress ID → post pk
        self.guids: set[str] = set()
        self.first_line: dict[int, int] = {}
        self.waiting: dict[int, list[Item]] = {}
        self.posts_in_file = 0
        self.current: Item | None = None
        self.last_done: Item | None = None
        self.run_row: ImportRun | None = None
        self.terms_known: dict[tuple[str, str], Any] = {}
        self.imported_before: set[int] = set()
        self.batch_rows: dict[int, ImportedItem] = {}  # post pk → its record, for the batch's comments
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
        make_terms(self.terms, self.report)
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
        self.media.load(self.source)
        self.links.load()
        self.posts = dict(
            ImportedItem.objects.filter(source=self.source, post__isnull=False).values_list(
                "wp_id", "post_id"
            )
        )
        # The same items exported under another site address (a moved domain) are found by their GUIDs.
        self.guids = set(
            ImportedItem.objects.exclude(guid="").exclude(source=self.source).values_list("guid", flat=True)
        )

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
        self.media.written = []
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
            for path in self.media.written:
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

    def _attachment(self, item: Item) -> None:
        if not self._is_duplicate(item):
            self.media.bring(item)

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
            # New comments since the last export still come in.
            self._comments(item, Post.objects.get(pk=existing))
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
        self.links.remember(item, row, post=post)
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
            pictures=self.media.pictures,
            post_wp_id=item.wp_id,
            rewrite_url=self.media.index.rewrite if self.media.index.files else None,
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
        row = self.media.rows.get(int(thumbnail)) if thumbnail.isdigit() else None
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
