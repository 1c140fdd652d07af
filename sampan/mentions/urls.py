"""Where other sites send mentions: the Webmention endpoint, its status pages, and posts' Trackback URLs."""

from django.urls import path, re_path

from sampan.blog.urls import D, M, Y

from . import views

app_name = "mentions"

urlpatterns = [
    path("webmention/", views.webmention, name="webmention"),
    path("webmention/status/<str:token>/", views.status, name="status"),
    re_path(rf"^{Y}/{M}/{D}/(?P<slug>[^/]+)/trackback/$", views.trackback, name="trackback"),
    re_path(r"^(?P<path>.+?)/trackback/$", views.trackback, name="page_trackback"),
]
