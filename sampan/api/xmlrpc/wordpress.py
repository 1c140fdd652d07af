"""WordPress's own post methods (wp.newPost and friends, WordPress 3.4+), which its apps and many scripts use."""

from typing import Any
from xmlrpc.client import Fault

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from sampan.blog import services
from sampan.blog.models import Post

from . import access, params, writing
from .dispatch import method
from .metaweblog import description
from .shapes import link, local, utc
from .taxonomy import TAXONOMIES, term_struct

NAMES_FIELD = {"category": "categories", "post_tag": "tags"}  # in writing.Changes
IDS_FIELD = {"category": "category_ids", "post_tag": "tag_ids"}

MAX_POSTS = 100
# Fields a `fields` argument of "post" stands for (WordPress's groups; "terms" and "custom_fields" are separate).
BASIC = {"post_title", "post_date", "post_date_gmt", "post_modified", "post_modified_gmt", "post_status",
         "post_type", "post_name", "post_author", "post_password", "post_excerpt", "post_content",
         "post_parent", "post_mime_type", "link", "guid", "menu_order", "comment_status", "ping_status",
         "sticky", "post_format", "post_thumbnail"}  # fmt: skip


@method("wp.newPost")
def new_post(request: HttpRequest, blog_id: Any, username: Any, password: Any, content: Any) -> str:
    user = access.sign_in(request, username, password)
    changes = _changes(params.struct(content, "content"), user=user)
    changes.status = changes.status or Post.Status.DRAFT
    post = writing.new_post(user=user, changes=changes)
    return str(post.pk)


@method("wp.editPost")
def edit_post(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, post_id: Any, content: Any
) -> bool:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    writing.edit_post(post, user=user, changes=_changes(params.struct(content, "content"), user=user))
    return True


@method("wp.getPost")
def get_post(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, post_id: Any, fields: Any = None
) -> dict[str, Any]:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    access.check_may_edit(user, post)
    return _only(as_struct(post), fields)


@method("wp.getPosts")
def get_posts(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, filters: Any = None, fields: Any = None
) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    wanted = params.struct(filters or {}, "filter")
    kind = writing.kind_from(wanted.get("post_type") or Post.Kind.POST)
    posts = access.editable_posts(user).filter(kind=kind)
    if wanted.get("post_status"):
        posts = posts.filter(status=writing.status_from(wanted["post_status"]))
    order = "" if str(wanted.get("order", "desc")).lower() == "asc" else "-"
    posts = posts.order_by(f"{order}published_at", f"{order}id")
    number = min(max(params.integer(wanted.get("number", 10), "number"), 0), MAX_POSTS)
    offset = max(params.integer(wanted.get("offset", 0), "offset"), 0)
    return [_only(as_struct(post), fields) for post in posts[offset : offset + number]]


@method("wp.deletePost")
def delete_post(request: HttpRequest, blog_id: Any, username: Any, password: Any, post_id: Any) -> bool:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    access.check_may_delete(user, post)
    services.delete_post(post)
    return True


def _changes(content: dict[str, Any], *, user: Any) -> writing.Changes:
    text = params.optional_text
    changes = writing.Changes(
        title=text(content.get("post_title"), "post_title"),
        body=text(content.get("post_content"), "post_content"),
        excerpt=text(content.get("post_excerpt"), "post_excerpt"),
        slug=text(content.get("post_name"), "post_name"),
        password=text(content.get("post_password"), "post_password"),
    )
    if content.get("custom_fields") is not None:
        changes.body_format = writing.format_from(content["custom_fields"])
    if content.get("post_type"):
        changes.kind = writing.kind_from(content["post_type"])
    if content.get("post_status"):
        changes.status = writing.status_from(content["post_status"])
    gmt, given = content.get("post_date_gmt"), content.get("post_date")
    if gmt is not None or given is not None:
        changes.published_at = params.moment(gmt if gmt is not None else given, "post_date")
    for name, target in (
        ("sticky", "sticky"),
        ("comment_status", "comments_open"),
        ("ping_status", "pings_open"),
    ):
        if content.get(name) is not None:
            setattr(changes, target, params.flag(content[name], name))
    if content.get("post_parent") not in (None, ""):
        changes.parent_id = params.integer(content["post_parent"], "post_parent")
    if content.get("post_author") not in (None, ""):
        _check_author(params.integer(content["post_author"], "post_author"), user=user)
    _read_terms(content, changes)
    return changes


def _check_author(author_id: int, *, user: Any) -> None:
    # Writing under another name is an editor's business, and Sampan's apps only ever write as themselves.
    if author_id == user.pk:
        return
    if not get_user_model().objects.filter(pk=author_id).exists():
        raise Fault(404, "Invalid author ID.")
    raise Fault(401, "Sorry, you are not allowed to create posts as this user.")


def _read_terms(content: dict[str, Any], changes: writing.Changes) -> None:
    for key in ("terms", "terms_names"):
        by_taxonomy = params.struct(content.get(key) or {}, key)
        if set(by_taxonomy) - set(TAXONOMIES):
            raise Fault(401, "Sorry, one of the given taxonomies is not supported by the post type.")
        for taxonomy, values in by_taxonomy.items():
            if key == "terms":
                ids = [params.integer(v, key) for v in params.array(values, key)]
                setattr(changes, IDS_FIELD[taxonomy], ids)
            else:
                setattr(changes, NAMES_FIELD[taxonomy], params.names(values, key))


def as_struct(post: Post) -> dict[str, Any]:
    modified = post.updated_at or post.published_at
    terms = [term_struct(c, "category") for c in post.categories.all()]
    terms += [term_struct(t, "post_tag") for t in post.tags.all()]
    return {
        "post_id": str(post.pk),
        "post_title": post.title,
        "post_date": local(post.published_at),
        "post_date_gmt": utc(post.published_at),
        "post_modified": local(modified),
        "post_modified_gmt": utc(modified),
        "post_status": post.status,
        "post_type": post.kind,
        "post_name": post.slug,
        "post_author": str(post.author_id),
        "post_password": post.password,
        "post_excerpt": post.excerpt,
        "post_content": description(post),
        "post_parent": str(post.parent_id or 0),
        "post_mime_type": "",
        "link": link(post),
        "guid": link(post),
        "menu_order": post.menu_order,
        "comment_status": "open" if post.comments_open else "closed",
        "ping_status": "open" if post.pings_open else "closed",
        "sticky": post.sticky,
        "post_format": "standard",
        "post_thumbnail": [],
        "terms": terms,
        "custom_fields": [],
    }


def _only(struct: dict[str, Any], fields: Any) -> dict[str, Any]:
    if fields is None:
        return struct
    wanted = set(params.names(fields, "fields"))
    if "post" in wanted:
        wanted |= BASIC
    return {k: v for k, v in struct.items() if k == "post_id" or k in wanted}
