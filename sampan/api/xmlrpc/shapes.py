"""What the APIs send back that they share: dates as XML-RPC wants them, absolute links, the one blog."""

from datetime import UTC, datetime
from typing import Any
from xmlrpc.client import DateTime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sampan.blog.models import Post
from sampan.blog.roles import ADMINISTRATOR, role_of
from sampan.core.fragments import site_settings

BLOG_ID = "1"


def utc(moment: datetime) -> DateTime:
    return DateTime(moment.astimezone(UTC).strftime("%Y%m%dT%H:%M:%S"))


def local(moment: datetime) -> DateTime:
    return DateTime(timezone.localtime(moment).strftime("%Y%m%dT%H:%M:%S"))


def absolute(path: str) -> str:
    # A storage on another host (S3, a CDN) already gives whole URLs.
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def link(post: Post) -> str:
    return absolute(post.get_absolute_url())


def users_blogs(user: Any) -> list[dict[str, Any]]:
    """Sampan is one blog; apps still ask for a list."""
    return [
        {
            "isAdmin": bool(user.is_superuser or role_of(user) == ADMINISTRATOR),
            "url": settings.SITE_URL + "/",
            "blogid": BLOG_ID,
            "blogName": site_settings().title,
            "xmlrpc": absolute(reverse("xmlrpc")),
        }
    ]
