from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponseBase
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve as serve_file

from sampan.blog.sitemaps import SITEMAPS
from sampan.theme.views import favicon


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    # MEDIA_ROOT read per request, not when the URL map loads: a settings change (tests) is always followed.
    return serve_file(request, path, document_root=str(settings.MEDIA_ROOT))


handler400 = "sampan.theme.views.bad_request"
handler404 = "sampan.theme.views.page_not_found"
handler500 = "sampan.theme.views.server_error"

urlpatterns = [
    path("admin/", include("sampan.security.urls")),  # the sign-in with lockout and two-step codes
    path("admin/", admin.site.urls),
    path("favicon.ico", require_safe(favicon)),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    # Uploaded media, for `sampan serve` on its own; behind nginx, deploy/nginx.conf serves /media/ from disk.
    re_path(r"^media/(?P<path>.+)$", media),
    path("api/", include("sampan.api.rest.urls")),
    path("xmlrpc.php", include("sampan.api.xmlrpc.urls")),
    path("likes/", include("sampan.likes.urls")),
    path("accounts/", include("sampan.readers.urls")),  # reader sign-in: our own methods first,
    path("accounts/", include("allauth.urls")),  # then allauth's email code, OIDC and passkeys
    path("", include("sampan.comments.selfservice_urls")),
    path(
        "", include("sampan.comments.urls")
    ),  # the form's endpoint and comment pages, before the blog's pages
    path("follow/", include("sampan.followers.urls")),
    path("", include("sampan.mentions.urls")),  # the Webmention endpoint and …/slug/trackback/, before pages
    path("", include("sampan.blog.urls")),
]
