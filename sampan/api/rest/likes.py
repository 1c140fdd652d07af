"""A post's likes, as its like line shows them: how many, and the names readers chose to give (never anything
that tells who an anonymous liker is)."""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from sampan.blog.models import Post
from sampan.blog.roles import can_edit_others_posts
from sampan.likes import services

from . import auth
from .posts import READ_ERRORS, PostId
from .reading import absolute
from .schemas import ErrorOut

# Mounted at /posts/ beside the posts router: the likes of a post are at /api/posts/{id}/likes/.
likes_router = Router(tags=["likes"])


class LikerOut(Schema):
    name: str
    url: str = Field(description="For likes sent by Webmention: the liker's site; empty otherwise.")
    photo: str = Field(
        description="For likes sent by Webmention: the site's own copy of their photo, or empty."
    )


class LikesOut(Schema):
    post: int
    count: int = Field(description="Every like: from this site's button and approved likes by Webmention.")
    text: str = Field(description='As the post shows it: "3 people like this".')
    likers: list[LikerOut] = Field(
        description="The most recent likers who gave a name (a few dozen at most)."
    )


def _likable_posts(user: Any) -> Any:
    # What the site shows a like line on: live, unprotected posts and pages; a writer also what they may edit.
    public = Q(pk__in=Post.objects.live().filter(password="").values("pk"))
    if not (user.is_authenticated and user.is_staff):
        return Post.objects.filter(public)
    if can_edit_others_posts(user):
        return Post.objects.all()
    return Post.objects.filter(public | Q(author=user, kind=Post.Kind.POST))


@likes_router.get("/{id}/likes/", response={200: LikesOut, 404: ErrorOut, **READ_ERRORS},
                  operation_id="get_post_likes", summary="A post's likes")  # fmt: skip
def get_post_likes(request: HttpRequest, id: PostId) -> Any:
    user = auth.reader(request)
    post = get_object_or_404(_likable_posts(user), pk=id)
    line = services.like_line(post)
    likers = [{"name": liker.name, "url": liker.url, "photo": absolute(liker.photo) if liker.photo else ""}
              for liker in line.likers]  # fmt: skip
    return {"post": post.pk, "count": line.count, "text": line.text, "likers": likers}
