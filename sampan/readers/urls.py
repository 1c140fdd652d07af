"""The readers' own addresses under /accounts/; allauth's (email code, OIDC, passkeys) follow them."""

from django.urls import include, path

urlpatterns = [
    path("indieauth/", include("sampan.readers.indieauth.urls")),
    path("fediverse/", include("sampan.readers.fediverse.urls")),
]
