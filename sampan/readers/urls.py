"""The readers' own addresses under /accounts/; allauth's (email code, OIDC, passkeys) follow them."""

from django.urls import include, path, re_path

from . import views

urlpatterns = [
    # The sign-in page, at allauth's addresses for it: every way in, with the email-code form.
    path("login/", views.sign_in, name="sign_in"),
    path("login/code/", views.sign_in),
    re_path(r"^password/", views.no_passwords),  # readers have none; writers change theirs in the admin
    path("indieauth/", include("sampan.readers.indieauth.urls")),
    path("fediverse/", include("sampan.readers.fediverse.urls")),
    path("you/", include("sampan.readers.account_urls")),  # the reader's own account page
]
