"""The browsable API docs at /api/docs: Swagger UI, served with every asset from this site.

django-ninja's own page loads Swagger UI from a CDN unless "ninja" is an installed app; no page of ours
loads anything from another origin, so this page and its assets come from the copies ninja ships.
"""

from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.template import engines
from django.urls import reverse
from ninja.openapi.docs import Swagger

ASSETS = Path(ninja.__file__).parent / "static" / "ninja"
SERVED = {
    "swagger-ui.css": "text/css",
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ api.title }}</title>
<link rel="stylesheet" href="{{ assets }}swagger-ui.css">
<link rel="icon" href="{{ assets }}favicon.svg" type="image/svg+xml">
</head>
<body>
{{ swagger_settings|json_script:"swagger-settings" }}
<main id="swagger-ui"></main>
<script src="{{ assets }}swagger-ui-bundle.js"></script>
<script src="{{ assets }}swagger-ui-init.js"></script>
</body>
</html>
"""


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        settings = {
            **self.settings,
            "url": self.get_openapi_url(api, kwargs),
            # Swagger UI otherwise sends the schema's address to validator.swagger.io for a badge.
            "validatorUrl": None,
        }
        assets = reverse(f"{api.urls_namespace}:docs-asset", kwargs={"name": "x"})[:-1]
        template = engines["django"].from_string(PAGE)
        context = {"api": api, "swagger_settings": settings, "assets": assets}
        return HttpResponse(template.render(context, request))


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in SERVED:
        raise Http404("No such file.")
    response = FileResponse((ASSETS / name).open("rb"), content_type=SERVED[name])
    # "private": the page cache never keeps it; the browser may, for a day.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
