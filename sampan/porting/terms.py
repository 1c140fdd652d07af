"""The export's categories (with their hierarchy), tags and other taxonomies, made before any post needs them."""

from urllib.parse import unquote

from django.db import transaction
from django.utils.text import slugify

from sampan.blog.models import Category, Tag

from .items import INTERNAL_TAXONOMIES
from .report import Report
from .wxr import Term


def make_terms(terms: list[Term], report: Report) -> None:
    """Categories and tags that are new here are made; existing ones (same slug) are used as they are."""
    with transaction.atomic():
        parents: list[tuple[Category, str]] = []
        for term in terms:
            slug = slugify(unquote(term.slug) or term.name, allow_unicode=True)[:200]
            if not slug:
                continue
            if term.taxonomy in INTERNAL_TAXONOMIES:
                report.skipped[f"{term.taxonomy} terms: WordPress's own machinery"] += 1
                continue
            if term.taxonomy == "category":
                category, created = Category.objects.get_or_create(
                    slug=slug, defaults={"name": term.name[:200] or slug, "description": term.description}
                )
                (report.counts if created else report.unchanged)["categories"] += 1
                if term.parent and created:
                    parents.append((category, slugify(unquote(term.parent), allow_unicode=True)))
            else:  # tags, and custom taxonomies, which readers meet as tags here
                _, created = Tag.objects.get_or_create(slug=slug, defaults={"name": term.name[:200] or slug})
                (report.counts if created else report.unchanged)["tags"] += 1
        # Parents after all: an export may list a child before its parent.
        for category, parent_slug in parents:
            parent = Category.objects.filter(slug=parent_slug).first()
            if parent is None:
                report.notes.append(
                    f"Category {category.slug!r}: its parent {parent_slug!r} is not in the file."
                )
            elif parent.pk != category.pk:
                Category.objects.filter(pk=category.pk).update(parent=parent)
