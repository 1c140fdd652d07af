"""The forms authors write in (the admin's post, page and category forms)."""

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminFileWidget, AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import images
from .models import Category, Post


class MarkdownEditor(forms.Textarea):
    """The body's text area with a live preview under it, rendered by the server as readers will see it."""

    template_name = "admin/blog/widgets/markdown_editor.html"

    def __init__(self, *, preview_url: str = "", attrs: dict[str, Any] | None = None):
        super().__init__(attrs={"rows": 20, "class": "vLargeTextField blog-editor-source", **(attrs or {})})
        self.preview_url = preview_url

    class Media:
        css = {"all": ["blog/admin/editor.css"]}
        js = ["blog/admin/editor.js"]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["preview_url"] = self.preview_url
        return context


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each with its own accessible name (Django's carry only "Date:")."""

    def __init__(self, *, date_label: str, time_label: str):
        super().__init__()
        self.labels = (date_label, time_label)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget, label in zip(context["widget"]["subwidgets"], self.labels, strict=True):
            subwidget["attrs"]["aria-label"] = label
        return context


class FeaturedImageInput(AdminFileWidget):
    """The upload box, with the current picture shown small above it rather than only its file name."""

    template_name = "admin/blog/widgets/featured_image.html"


class FeaturedImageField(forms.ImageField):
    """An image field that says plainly why an upload is refused, before Pillow decodes any pixel."""

    def to_python(self, data: Any) -> Any:
        if data and hasattr(data, "read"):
            try:
                images.check_upload(data, size=getattr(data, "size", None))
            except images.ImageRefused as err:
                raise ValidationError(str(err), code="invalid_image") from err
        return super().to_python(data)


STATUS_HELP = (
    "Published with a future publish date waits until then (Scheduled). Pending review: ready for an editor. "
    "Private: only editors and administrators can read it."
)
DATE_HELP = (
    "When it goes (or went) out; the permalink uses this date. A draft published without touching this "
    "date goes out now."
)


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = [
            "title", "slug", "body_format", "body", "excerpt", "status", "published_at", "author", "sticky",
            "password", "comments_open", "pings_open", "categories", "tags", "featured_image",
            "featured_image_alt", "parent", "menu_order",
        ]  # fmt: skip
        field_classes = {"featured_image": FeaturedImageField, "published_at": forms.SplitDateTimeField}
        widgets = {
            "published_at": LabelledSplitDateTime(date_label="Publish date", time_label="Publish time"),
            "featured_image": FeaturedImageInput,
        }
        help_texts = {
            "slug": "The last part of the permalink. Leave it empty to make one from the title.",
            "status": STATUS_HELP,
            "published_at": DATE_HELP,
            "sticky": "Keep at the top of the home page, above newer posts.",
            "body_format": "How the body is written. The preview follows this choice.",
            "password": "Readers must type this to read the post. Leave empty for no password.",
            "comments_open": "Readers may reply.",
            "pings_open": "Other blogs may tell this post they linked to it (pingbacks, trackbacks, webmentions).",
            "featured_image": "JPEG, PNG, GIF or WebP. Camera details and location are removed on upload.",
            "featured_image_alt": "What the picture shows, for readers who cannot see it.",
            "parent": "Show this page under another page, in its address and the menu.",
            "menu_order": "Pages with lower numbers come first in the menu.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        when = cleaned.get("published_at")
        if cleaned.get("status") == Post.Status.SCHEDULED and when and when <= timezone.now():
            self.add_error(
                "published_at", "To schedule a post, pick a publish date in the future (or choose Published)."
            )
        parent = cleaned.get("parent")
        if parent is not None and self.instance.pk and _is_within(parent, self.instance.pk, "parent"):
            self.add_error("parent", "A page cannot sit under itself or under one of its own subpages.")
        return cleaned


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description"]
        help_texts = {
            "slug": "The category's part of its address (/category/…/).",
            "parent": "Categories can nest: a subcategory's posts also show in its parent's archive.",
        }

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk and _is_within(parent, self.instance.pk, "parent"):
            raise ValidationError(
                "A category cannot be its own parent or sit inside one of its own subcategories."
            )
        return parent


def _is_within(node: Any, pk: int, link: str) -> bool:
    """Is the object with this pk `node` itself or one of its ancestors? (Cycles in old data end the walk.)"""
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.pk == pk:
            return True
        seen.add(node.pk)
        node = getattr(node, link)
    return False
