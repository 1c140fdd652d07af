"""The site itself: its name, address and how much it holds."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from sampan.blog.models import Category, Post, Tag
from sampan.core.models import SiteSettings

from . import auth
from .posts import READ_ERRORS
from .schemas import SiteOut

site_router = Router(tags=["site"])


@site_router.get("/", response={200: SiteOut, **READ_ERRORS}, operation_id="get_site")
def get_site(request: HttpRequest) -> Any:
    auth.reader(request)
    site = SiteSettings.load()
    live = Post.objects.live()
    return {
        "title": site.title,
        "tagline": site.tagline,
        "url": settings.SITE_URL + "/",
        "api": settings.SITE_URL + "/api/",
        "counts": {
            "posts": live.posts().count(),
            "pages": live.pages().count(),
            "categories": Category.objects.count(),
            "tags": Tag.objects.count(),
        },
    }
