"""What an import remembers: which WordPress item became which post, comment or file, and where it used to live.

These rows make a second import of the same file a no-op (keyed on the old site and its IDs), answer the old
site's links (`/?p=123`, `/archives/slug/`, an attachment page) and let an export give back the original dates.
"""

from django.db import models

from sampan.blog.models import Post


class ImportedItem(models.Model):
    """A WordPress post, page or attachment, as it was known on the old site."""

    source = models.CharField(max_length=300, help_text="The old site's address (wp:base_site_url).")
    wp_id = models.BigIntegerField("WordPress ID")
    guid = models.CharField(max_length=500, blank=True, db_index=True)
    post_type = models.CharField(max_length=20)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file = models.CharField(max_length=500, blank=True, help_text="For an attachment: its local media path.")
    old_url = models.CharField(max_length=1000, blank=True, help_text="For an attachment: wp:attachment_url.")
    parent_wp_id = models.BigIntegerField(null=True, blank=True)
    local_date = models.CharField(
        max_length=19, blank=True, help_text="wp:post_date as written on the old site (its own time zone)."
    )
    # One map per post rather than a row per comment: an import of 200,000 comments writes 10,000 of these.
    # A comment deleted here stays in the map, so importing a newer export does not bring it back.
    comment_ids = models.JSONField(
        default=dict, blank=True, help_text="The post's WordPress comment IDs → comment IDs here."
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "wp_id"], name="unique_imported_item")]
        indexes = [models.Index(fields=["wp_id"])]

    def __str__(self) -> str:
        return f"{self.post_type} {self.wp_id} from {self.source}"


class OldLink(models.Model):
    """An old address that must keep answering: it redirects to the post, or to a file for an attachment.

    Only paths: query-string links (`/?p=123`, `/?page_id=…`, `/?attachment_id=…`) are found by `wp_id`.
    """

    path = models.CharField(max_length=500, unique=True)
    item = models.ForeignKey(ImportedItem, on_delete=models.CASCADE, related_name="old_links")

    def __str__(self) -> str:
        return self.path


class ImportRun(models.Model):
    """One file's import, and how far it got: a failed or interrupted run resumes after its last batch."""

    fingerprint = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the file.")
    file_name = models.CharField(max_length=500)
    source = models.CharField(max_length=300, blank=True)
    items_done = models.PositiveIntegerField(default=0)
    last_line = models.PositiveIntegerField(default=0)
    finished = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.file_name} ({'finished' if self.finished else f'{self.items_done} items'})"
