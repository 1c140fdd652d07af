"""The REST API's one `NinjaAPI`: routers, error bodies, ETags, and keeping every answer out of the page cache.

Each resource is a router module mounted here: a `router` in a module of this package and one `add_router` line
below. Received mentions are comments of their kind (listed with the comments too, as WordPress does, and
moderated there); a post's likes hang under the post's own address.
"""

import functools
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.urls import URLPattern, path
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sampan.api import passwords
from sampan.core import pagecache

from .auth import REALM
from .comments import comments_router
from .docs import LocalSwagger, docs_asset
from .followers import followers_router
from .likes import likes_router
from .mentions import mentions_router
from .posts import pages_router, posts_router
from .site import site_router
from .stats import stats_router
from .terms import categories_router, tags_router

VERSION = "1"


def _kept_out_of_the_page_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    # API answers depend on who asks (credentials) and on the query string: the anonymous page cache must never
    # store one, not even the schema. Answers that chose their own private caching keep it.
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if "private" not in response.headers.get("Cache-Control", ""):
            pagecache.mark_uncacheable(response)
        return response

    return wrapped


def _index(request: HttpRequest) -> JsonResponse:
    """/api/ itself: where the schema, the docs and each resource are, for a client finding its way."""
    root = settings.SITE_URL + "/api/"
    resources = ["posts", "pages", "categories", "tags", "comments", "mentions", "followers", "site"]
    # Stats have no list of their own: their two answers, by name.
    addresses = {name: f"{root}{name}/" for name in resources} | {"stats": root + "stats/summary/",
                                                                   "hits": root + "stats/hits/"}  # fmt: skip
    return JsonResponse({
        "name": api.title, "version": api.version, "schema": root + "openapi.json", "docs": root + "docs",
        "resources": addresses,
    })  # fmt: skip


class SampanAPI(NinjaAPI):
    def _get_urls(self) -> list[Any]:
        urls = [
            *super()._get_urls(),
            path("docs/assets/<str:name>", require_safe(docs_asset), name="docs-asset"),
        ]
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern.callback = require_safe(_index)
                pattern.callback = _kept_out_of_the_page_cache(pattern.callback)
        return urls

    def create_response(self, request: HttpRequest, data: Any, *, status: int | None = None,
                        temporal_response: HttpResponse | None = None) -> HttpResponse:  # fmt: skip
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        if request.method != "GET" or response.status_code != 200:
            return response
        etag = '"' + hashlib.md5(response.content, usedforsecurity=False).hexdigest() + '"'
        # "private, no-cache": the client may keep it and ask again with If-None-Match; no shared cache may.
        headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization"}
        wanted = parse_etags(request.headers.get("If-None-Match", ""))
        if etag in wanted or "*" in wanted:
            response = HttpResponseNotModified()
        for name, value in headers.items():
            response.headers[name] = value
        return response


api = SampanAPI(
    title="Sampan API",
    version=VERSION,
    description="Posts, pages, categories, tags, comments, mentions, followers, likes, stats and the site. Reading published content needs no account; "
    "writing needs HTTP Basic with a user name and an application password (`sampan app-password USER`). "
    "See docs/api.md.",
    docs=LocalSwagger(),
    docs_url="/docs",
    urls_namespace="rest-api",
)
api.add_router("/posts/", posts_router)
api.add_router("/pages/", pages_router)
api.add_router("/categories/", categories_router)
api.add_router("/tags/", tags_router)
api.add_router("/posts/", likes_router)
api.add_router("/comments/", comments_router)
api.add_router("/mentions/", mentions_router)
api.add_router("/followers/", followers_router)
api.add_router("/stats/", stats_router)
api.add_router("/site/", site_router)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"message": message, **extra}, status=status)


@api.exception_handler(passwords.AuthenticationFailed)
@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc) if isinstance(exc, passwords.AuthenticationFailed) else "Credentials are needed."
    response = _error(request, 401, message)
    response.headers["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
    return response


@api.exception_handler(passwords.TooManyAttempts)
def _too_many(request: HttpRequest, exc: passwords.TooManyAttempts) -> HttpResponse:
    response = _error(request, 429, str(exc))
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, exc.message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


def _field_error(error: dict[str, Any]) -> dict[str, str]:
    location, *rest = [str(part) for part in error.get("loc", ())] or ["body"]
    if location == "body" and rest[:1] == ["payload"]:
        rest = rest[1:]
    return {"field": ".".join(rest) or location, "location": location, "message": str(error.get("msg", ""))}


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "Some fields are not valid.", errors=[_field_error(e) for e in exc.errors])
