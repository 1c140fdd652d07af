from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from sampan.blog.sitemaps import SITEMAPS

handler400 = "sampan.theme.views.bad_request"
handler404 = "sampan.theme.views.page_not_found"
handler500 = "sampan.theme.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("sampan.blog.urls")),
]
