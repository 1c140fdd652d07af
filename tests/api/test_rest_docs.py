"""REST API documentation: the OpenAPI schema, and the browsable docs page, which loads nothing from elsewhere."""

import json
import os

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from sampan.api.rest.api import api

# Playwright's sync API runs an event loop in the test's thread (see tests/e2e/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db
def test_openapi_schema_is_served_with_every_operation(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/")))
    assert served["info"]["title"] == "Sampan API"
    operations = {(m.upper(), p) for p, ops in served["paths"].items() for m in ops}
    assert ("PATCH", "/api/posts/{id}/") in operations and ("POST", "/api/categories/") in operations
    assert served["components"]["securitySchemes"]["BasicAuth"] == {"type": "http", "scheme": "basic"}


@pytest.mark.django_db
def test_docs_assets_are_served_from_the_site_and_nothing_else_is(client):
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/__init__.py").status_code == 404
    assert client.get("/api/docs/assets/swagger-ui-bundle.js.map").status_code == 404


@pytest.fixture(scope="session")
def migrated_rows(django_db_setup):
    # Read before Playwright starts; tests/e2e/conftest.py explains why the connection loses them after.
    return getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)


@pytest.mark.browser
def test_docs_page_lists_the_operations_and_loads_only_from_this_site(migrated_rows, live_server, page):
    connection = connections[DEFAULT_DB_ALIAS]
    if migrated_rows is not None and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = migrated_rows  # type: ignore[attr-defined]
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(live_server.url + "/api/docs")
    page.get_by_role("heading", name="Sampan API").wait_for()
    page.get_by_text("/api/posts/{id}/").first.wait_for()
    assert page.get_by_text("Create a post").count() >= 1
    assert asked, "the browser made no requests"
    foreign = [url for url in asked if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert not foreign, f"the docs page asked other origins: {foreign}"
    assert any(url.endswith("/api/openapi.json") for url in asked)


@pytest.mark.django_db
def test_the_api_root_says_where_everything_is(client):
    response = client.get("/api/")
    assert response.status_code == 200 and "private" in response.headers["Cache-Control"]
    body = response.json()
    assert body["schema"] == "http://127.0.0.1:8000/api/openapi.json"
    assert body["resources"]["posts"] == "http://127.0.0.1:8000/api/posts/"
    assert client.get(body["resources"]["site"].removeprefix("http://127.0.0.1:8000")).status_code == 200
