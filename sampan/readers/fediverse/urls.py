from django.urls import URLPattern

app_name = "fediverse"
urlpatterns: list[URLPattern] = []
