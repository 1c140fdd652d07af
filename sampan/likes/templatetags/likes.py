"""`{% like_section post %}`: the like button and line under a post. It asks the likes service, nothing more."""

from django import template
from django.http import HttpRequest

from sampan.blog.models import Post

from .. import browser_cookie, services

register = template.Library()


def section_context(post: Post, token: str | None) -> dict:
    if not services.is_likable(post):
        return {"shown": False}
    return {
        "shown": True,
        "post": post,
        "line": services.like_line(post),
        "liked": services.has_liked(post=post, token=token),
    }


@register.inclusion_tag("likes/_section.html", takes_context=True)
def like_section(context: template.Context, post: Post) -> dict:
    request: HttpRequest | None = context.get("request")
    token = browser_cookie.read_token(request) if request is not None else None
    return section_context(post, token)
