"""`{% post_views post %}`: "N views" under a post, when the owner shows them. It asks the stats totals only."""

from django import template

from sampan.blog.models import Post

from .. import totals

register = template.Library()


@register.inclusion_tag("stats/post_views.html")
def post_views(post: Post) -> dict:
    if not post.is_live or post.password or not totals.settings().show_post_views:
        return {"shown": False}
    views = totals.post_views(post)
    return {"shown": True, "views": f"{views:,}", "one": views == 1}
