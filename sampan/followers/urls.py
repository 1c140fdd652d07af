from django.urls import path

from . import views

app_name = "followers"

urlpatterns = [
    path("", views.follow, name="follow"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("manage/<str:token>/", views.manage, name="manage"),
    path("stop-comments/<str:token>/", views.stop_comments, name="stop_comments"),
]
