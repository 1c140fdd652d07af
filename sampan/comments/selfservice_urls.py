"""Signed-link pages of the comments app: the author's one-click moderation and the commenter's own data.

Included from `sampan/urls.py` before the blog's catch-all, so a page slug cannot hide them.
"""

from django.urls import path

from . import moderation_links, selfservice

app_name = "comment_links"

urlpatterns = [
    path("comments/moderate/<str:token>/", moderation_links.moderate, name="moderate"),
    path("comments/manage/<str:token>/", selfservice.manage, name="manage"),
    path("comments/your-data/", selfservice.your_data_request, name="your_data_request"),
    path("comments/your-data/<str:token>/", selfservice.your_data, name="your_data"),
    path(
        "comments/your-data/<str:token>/download/", selfservice.your_data_download, name="your_data_download"
    ),
]
