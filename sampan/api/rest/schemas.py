"""What the REST API reads and writes: the JSON shapes, with the limits that keep bad input a 422, never a 500."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

Status = Literal["draft", "pending", "future", "publish", "private"]
Format = Literal["markdown", "html"]
MAX_BODY = 1_000_000
MAX_TERMS = 100


def _storable_text(value: str) -> str:
    # PostgreSQL refuses NUL characters and no database takes lone surrogates: refuse them here, by field.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _storable_moment(value: datetime) -> datetime:
    """An aware datetime (naive ones are in the site's time zone) that every time zone can still show."""
    if not 1000 <= value.year <= 9000:
        raise ValueError("must be between the years 1000 and 9000")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(UTC)


Text = Annotated[str, AfterValidator(_storable_text)]
Moment = Annotated[datetime, AfterValidator(_storable_moment)]
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
TermName = Annotated[Text, Field(min_length=1, max_length=200)]


class ErrorOut(Schema):
    message: str
    errors: list[dict[str, str]] = Field(
        default_factory=list, description="For 422: one entry per bad field: field, location, message."
    )


class AuthorOut(Schema):
    id: int
    username: str
    name: str


class ContentOut(Schema):
    raw: str | None = Field(None, description="What the author typed; only for those who may edit the post.")
    rendered: str = Field(description="Sanitized HTML; empty for a password-protected post.")
    format: Format
    protected: bool


class ExcerptOut(Schema):
    raw: str | None = None
    rendered: str


class FeaturedImageOut(Schema):
    url: str
    srcset: str
    alt: str
    width: int | None = None
    height: int | None = None


class PostOut(Schema):
    id: int
    type: Literal["post", "page"]
    title: str
    slug: str
    status: Status
    date: datetime = Field(description="Publish date in the site's time zone, with its offset.")
    date_gmt: datetime
    modified: datetime
    link: str
    author: AuthorOut
    content: ContentOut
    excerpt: ExcerptOut
    sticky: bool
    password_protected: bool
    password: str | None = Field(None, description="Only for those who may edit the post.")
    categories: list[int]
    tags: list[int]
    featured_image: FeaturedImageOut | None
    parent: int | None
    menu_order: int
    comments_open: bool
    comment_count: int = Field(
        description="Approved comments, pingbacks, trackbacks and webmentions (not likes)."
    )


class _PostFields(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[Text, Field(max_length=300)] | None = None
    content: Annotated[Text, Field(max_length=MAX_BODY)] | None = None
    format: Format | None = None
    excerpt: Annotated[Text, Field(max_length=MAX_BODY)] | None = None
    status: Status | None = None
    date: Moment | None = Field(None, description="ISO 8601; without an offset, the site's time zone.")
    slug: Annotated[Text, Field(max_length=180)] | None = None
    sticky: bool | None = None
    password: Annotated[Text, Field(max_length=100)] | None = None
    comments_open: bool | None = None
    categories: Annotated[list[DbId], Field(max_length=MAX_TERMS)] | None = None
    tags: Annotated[list[DbId], Field(max_length=MAX_TERMS)] | None = None
    category_names: Annotated[list[TermName], Field(max_length=MAX_TERMS)] | None = None
    tag_names: Annotated[list[TermName], Field(max_length=MAX_TERMS)] | None = None
    parent: DbId | None = Field(None, description="Pages only: the parent page's id.")
    menu_order: Int32 | None = None


class PostCreate(_PostFields):
    """A new post or page: every field optional; a new one is a draft in Markdown unless said otherwise."""


class PostPatch(_PostFields):
    """Only the fields sent change; `categories`/`category_names` (and tags) replace the post's own."""


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    parent: int | None
    description: str
    count: int = Field(description="Published posts in this category.")
    link: str


class TagOut(Schema):
    id: int
    name: str
    slug: str
    count: int
    link: str


class CategoryCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: TermName
    slug: Annotated[Text, Field(max_length=180)] | None = None
    parent: DbId | None = None
    description: Annotated[Text, Field(max_length=10_000)] = ""


class TagCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: TermName
    slug: Annotated[Text, Field(max_length=180)] | None = None


class SiteCounts(Schema):
    posts: int
    pages: int
    categories: int
    tags: int


class SiteOut(Schema):
    title: str
    tagline: str
    url: str
    api: str
    counts: SiteCounts
