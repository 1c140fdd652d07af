"""wp.* methods about the blog rather than one post: its blogs list, options and statuses."""

from importlib import metadata
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from sampan.blog.models import Post
from sampan.core.fragments import site_settings

from . import access, params
from .dispatch import method
from .shapes import absolute, users_blogs


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
