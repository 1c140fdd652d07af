from django.urls import path

from . import views

app_name = "security"

# Mounted under /admin/, before the admin's own URLs, so that /admin/login/ is this sign-in.
urlpatterns = [
    path("login/", views.SignIn.as_view(), name="login"),
    path("login/code/", views.code, name="code"),
    path("two-step/", views.enrol, name="enrol"),
]
