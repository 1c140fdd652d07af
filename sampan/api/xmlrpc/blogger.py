"""The Blogger API's methods that blogging apps still call (the rest of it is MetaWeblog's now)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sampan.blog import services

from . import access
from .dispatch import method
from .shapes import users_blogs


@method("blogger.getUsersBlogs")
def get_users_blogs(request: HttpRequest, appkey: Any, username: Any, password: Any) -> list[dict[str, Any]]:
    user = access.sign_in(request, username, password)
    return users_blogs(user)


@method("blogger.getUserInfo")
def get_user_info(request: HttpRequest, appkey: Any, username: Any, password: Any) -> dict[str, Any]:
    user = access.sign_in(request, username, password)
    return {
        "userid": str(user.pk),
        "nickname": user.get_username(),
        "firstname": user.first_name,
        "lastname": user.last_name,
        "email": user.email,
        "url": settings.SITE_URL + "/",
    }


@method("blogger.deletePost")
def delete_post(
    request: HttpRequest, appkey: Any, post_id: Any, username: Any, password: Any, publish: Any = False
) -> bool:
    user = access.sign_in(request, username, password)
    post = access.find_post(post_id)
    access.check_may_delete(user, post)
    services.delete_post(post)
    return True
