"""Posts, pages, categories, tags and revisions: what an author writes and a reader reads."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Category(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list["Category"]:
        chain: list[Category] = []
        node = self.parent
        while node is not None and node not in chain and len(chain) < 20:
            chain.insert(0, node)
            node = node.parent
        return chain

    def descendant_ids(self) -> list[int]:
        """Every category below this one, at any depth (a category's archive and feed include their posts)."""
        found: list[int] = []
        frontier = [self.pk]
        while frontier and len(found) < 1000:
            frontier = list(
                Category.objects.filter(parent__in=frontier)
                .exclude(pk__in=found)
                .values_list("pk", flat=True)
            )
            found.extend(frontier)
        return found

    @property
    def path(self) -> str:
        return "/".join([*(c.slug for c in self.ancestors()), self.slug])

    def get_absolute_url(self) -> str:
        return reverse("blog:category", kwargs={"path": self.path})


class Tag(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("blog:tag", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet["Post"]):
    def posts(self) -> "PostQuerySet":
        return self.filter(kind=Post.Kind.POST)

    def pages(self) -> "PostQuerySet":
        return self.filter(kind=Post.Kind.PAGE)

    def live(self) -> "PostQuerySet":
        """What any reader may see listed: published, and its date has come."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())


class Post(models.Model):
    """A blog post or a page (WordPress keeps both in one table too; they differ in URL and listing)."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending review"
        SCHEDULED = "future", "Scheduled"
        PUBLISHED = "publish", "Published"
        PRIVATE = "private", "Private"

    class Format(models.TextChoices):
        MARKDOWN = "markdown", "Markdown"
        HTML = "html", "HTML"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST, db_index=True)
    title = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=200, allow_unicode=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        db_index=True,
        help_text="For a scheduled post: when it goes out.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    body = models.TextField(blank=True, help_text="Markdown, or HTML when the format says so.")
    body_format = models.CharField(max_length=10, choices=Format.choices, default=Format.MARKDOWN)
    body_html = models.TextField(blank=True, editable=False)
    excerpt = models.TextField(
        blank=True, help_text="Shown in lists and feeds; the start of the post if empty."
    )
    sticky = models.BooleanField(default=False, help_text="Keep at the top of the home page.")
    password = models.CharField(
        max_length=100, blank=True, help_text="Readers must type this to see the post. Empty: no password."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="Pages only.",
    )
    menu_order = models.IntegerField(default=0)
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    featured_image = models.ImageField(upload_to="featured/%Y/%m/", blank=True)
    featured_image_alt = models.CharField("featured image description", max_length=300, blank=True)
    featured_image_variants = models.JSONField(default=dict, blank=True, editable=False)
    comments_open = models.BooleanField(default=True)
    pings_open = models.BooleanField(default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], condition=Q(kind="post"), name="unique_post_slug"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(kind="page", parent__isnull=True), name="unique_top_page_slug"
            ),
            models.UniqueConstraint(
                fields=["parent", "slug"], condition=Q(kind="page"), name="unique_child_page_slug"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "published_at"])]
        permissions = [("edit_others_posts", "Can edit, publish and delete other authors' posts")]

    def __str__(self) -> str:
        return self.title or "(no title)"

    @property
    def is_page(self) -> bool:
        return self.kind == self.Kind.PAGE

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    def page_path(self) -> str:
        parts = [self.slug]
        node = self.parent
        while node is not None and len(parts) < 20:
            parts.insert(0, node.slug)
            node = node.parent
        return "/".join(parts)

    def get_absolute_url(self) -> str:
        if self.is_page:
            return reverse("blog:page", kwargs={"path": self.page_path()})
        local = timezone.localtime(self.published_at)
        return reverse(
            "blog:post",
            kwargs={"year": f"{local.year:04d}", "month": f"{local.month:02d}", "day": f"{local.day:02d}",
                    "slug": self.slug},
        )  # fmt: skip


class Revision(models.Model):
    """A saved state of a post, kept each time its text changes, so an author can go back."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    body_format = models.CharField(max_length=10, choices=Post.Format.choices, default=Post.Format.MARKDOWN)
    excerpt = models.TextField(blank=True)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title or '(no title)'} — {self.saved_at:%Y-%m-%d %H:%M}"


class Page(Post):
    """Pages, as the admin shows them: a menu entry of their own, kept in the one table with posts."""

    class Meta:
        proxy = True
        verbose_name = "page"
