from django.urls import path

from . import views

app_name = "fediverse"
urlpatterns = [
    path("", views.start, name="start"),
    path("callback/", views.callback, name="callback"),
]
