"""wp.* methods about the blog rather than one post: its blogs list, options, statuses, and comments."""

from importlib import metadata
from typing import Any
from xmlrpc.client import Fault

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sampan.blog import discussion
from sampan.blog.models import Post
from sampan.core.fragments import site_settings

from . import access, params
from .dispatch import method
from .shapes import absolute, users_blogs, utc

MAX_COMMENTS = 100


@method("wp.getUsersBlogs")
def get_users_blogs(request: HttpRequest, username: Any, password: Any) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    return users_blogs(user)


@method("wp.getPostStatusList")
def get_post_status_list(request: HttpRequest, blog_id: Any, username: Any, password: Any) -> dict[str, str]:
    access.sign_in(request, username, password)
    return {str(value): str(label) for value, label in Post.Status.choices}


@method("wp.getOptions")
def get_options(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, names: Any = None
) -> dict[str, Any]:
    access.sign_in(request, username, password)
    options = _options()
    if names:
        wanted = set(params.names(names, "options"))
        options = {k: v for k, v in options.items() if k in wanted}
    return options


def _options() -> dict[str, Any]:
    site = site_settings()
    offset = timezone.localtime().utcoffset()
    hours = offset.total_seconds() / 3600 if offset else 0
    values = {
        "software_name": ("Software Name", "Sampan"),
        "software_version": ("Software Version", _version()),
        "blog_url": ("WordPress Address (URL)", settings.SITE_URL + "/"),
        "home_url": ("Site Address (URL)", settings.SITE_URL + "/"),
        "login_url": ("Login Address (URL)", absolute(reverse("admin:login"))),
        "admin_url": ("The URL to the admin area", absolute(reverse("admin:index"))),
        "blog_title": ("Site Title", site.title),
        "blog_tagline": ("Site Tagline", site.tagline),
        "time_zone": ("Time Zone", f"{hours:g}"),
        "date_format": ("Date Format", "F j, Y"),
        "time_format": ("Time Format", "g:i a"),
        "image_default_link_type": ("Image default link type", "file"),
        "image_default_size": ("Image default size", ""),
        "image_default_align": ("Image default align", ""),
    }
    return {name: {"desc": desc, "readonly": True, "value": value} for name, (desc, value) in values.items()}


def _version() -> str:
    try:
        return metadata.version("sampan")
    except metadata.PackageNotFoundError:
        return "unknown"


# Comments: Sampan's blog app does not own comments; `sampan.blog.discussion` is the one way to them. Until a
# comments app registers there, these list nothing and no comment can be opened or changed.
@method("wp.getComments")
def get_comments(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, filters: Any = None
) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    wanted = params.struct(filters or {}, "filter")
    post = None
    if wanted.get("post_id"):
        post = access.find_post(wanted["post_id"])
        access.check_may_edit(user, post)
    number = min(max(params.integer(wanted.get("number", 10), "number"), 0), MAX_COMMENTS)
    return [_comment(thought) for thought in discussion.latest(limit=number, post=post)]


def _comment(thought: discussion.Thought) -> dict[str, Any]:
    return {
        "comment_id": thought.guid,
        "parent": "0",
        "date_created_gmt": utc(thought.published_at),
        "status": "approve",
        "content": thought.content_html,
        "link": thought.url,
        "post_id": str(thought.post.pk),
        "post_title": thought.post.title,
        "author": thought.author_name,
        "type": "" if thought.kind == "comment" else thought.kind,
    }


@method("wp.getComment")
def get_comment(request: HttpRequest, blog_id: Any, username: Any, password: Any, comment_id: Any) -> None:
    access.sign_in(request, username, password)
    raise Fault(404, "Invalid comment ID.")


@method("wp.editComment")
def edit_comment(
    request: HttpRequest, blog_id: Any, username: Any, password: Any, comment_id: Any, comment: Any
) -> None:
    access.sign_in(request, username, password)
    raise Fault(404, "Invalid comment ID.")
