"""/sitemap.xml: every live post and page, and the archives readers browse."""

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from .models import Category, Post, Tag


class PostSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self) -> QuerySet[Post]:
        return Post.objects.live().filter(password="").select_related("parent").order_by("-published_at")

    def lastmod(self, item: Post) -> datetime:
        return max(item.updated_at, item.published_at)

    def priority(self, item: Post) -> float:
        return 0.6 if item.is_page else 0.8


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Category]:
        return Category.objects.filter(posts__status=Post.Status.PUBLISHED).distinct()


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Tag]:
        return Tag.objects.filter(posts__status=Post.Status.PUBLISHED).distinct()


SITEMAPS = {"posts": PostSitemap, "categories": CategorySitemap, "tags": TagSitemap}
