from django.urls import path

from . import views

app_name = "likes"
urlpatterns = [path("<int:post_id>/", views.like, name="like")]
