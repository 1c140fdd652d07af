"""/api/: included by the site's URL map under the namespace the API reverses its own links with."""

from .api import api

urlpatterns, _, app_name = api.urls
