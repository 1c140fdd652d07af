"""The import's attachments: each brought once (or skipped with the reason), indexed for links and galleries."""

from pathlib import Path

from . import content, media
from .links import LinkBook
from .models import ImportedItem
from .report import Options, Report
from .wxr import Item


class Attachments:
    def __init__(self, *, options: Options, report: Report, links: LinkBook) -> None:
        self.options, self.report, self.links = options, report, links
        self.source = ""
        self.rows: dict[int, ImportedItem] = {}  # WordPress ID → record
        self.index = media.MediaIndex()  # old addresses → local copies, for links in posts
        self.pictures: dict[int, content.Picture] = {}  # for [gallery]
        self.written: list[Path] = []  # files this batch wrote, removed again if it fails

    def load(self, source: str) -> None:
        """What earlier imports from this site brought."""
        self.source = source
        for row in ImportedItem.objects.filter(source=source, post_type="attachment"):
            self.rows[row.wp_id] = row
            if row.file:
                self._index(row, title="")

    def bring(self, item: Item) -> None:
        existing = self.rows.get(item.wp_id)
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
        self.rows[item.wp_id] = row
        if name:
            self._index(row, title=item.title)
            self.index.add(old_url="", key=media.relative_path(item), local_url=media.url_of(name))
        self.links.remember(item, row)

    def _save(self, rel: str, data: bytes) -> str:
        name, path = media.save(rel, data)
        self.written.append(path)
        return name

    def _index(self, row: ImportedItem, *, title: str) -> None:
        url = media.url_of(row.file)
        self.index.add(old_url=row.old_url, key=media.uploads_key(row.old_url) or row.file, local_url=url)
        self.pictures[row.wp_id] = content.Picture(url=url, title=title, parent_wp_id=row.parent_wp_id or 0)
