from django.urls import URLPattern

app_name = "indieauth"
urlpatterns: list[URLPattern] = []
