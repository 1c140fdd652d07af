"""The comment form's endpoint (and WordPress's, for old themes' forms) and the comment pages of posts."""

from django.urls import path, re_path

from sampan.blog.urls import D, M, Y

from . import views

app_name = "comments"

urlpatterns = [
    path("comments/post/", views.post_comment, name="post"),
    path("wp-comments-post.php", views.post_comment),
    re_path(
        rf"^{Y}/{M}/{D}/(?P<slug>[^/]+)/comment-page-(?P<number>[0-9]{{1,6}})/$", views.post_comment_page
    ),
    # Pages' comment pages; any other path ending so is no page and gets the page view's 404.
    re_path(r"^(?P<path>.+?)/comment-page-(?P<number>[0-9]{1,6})/$", views.page_comment_page),
]
