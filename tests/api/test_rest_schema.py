"""REST API against its own OpenAPI schema: schemathesis generates requests for every operation, in process.

Signed in as an editor (so writes run too), then as an anonymous reader, on pytest-django's database.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sampan.api.rest.api import api
from tests.api.comment_helpers import make_comment
from tests.api.test_rest_support import writer
from tests.factories import make_category, make_post, make_tag

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The schema as /api/openapi.json serves it (a test in test_rest_docs.py checks that they are the same).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/"))))


@pytest.fixture
def wsgi_app(db):
    # Django's WSGI handler closes the database connection around each request, which would end the test's
    # transaction; its test client avoids that the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def editor_headers(db):
    news = make_category("News")
    seen = make_post("Seen", categories=[news], tags=[make_tag("Boats")])
    make_comment(seen, "Approved", status="approved")
    make_comment(seen, "Held", status="pending")
    make_post("Page", kind="page")
    make_post("Secret", password="pw", status="draft")
    _, headers = writer("Editor", "fuzzing-editor")
    return headers


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_schema(case, wsgi_app, editor_headers):
    case.call_and_validate(app=wsgi_app, headers=editor_headers, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_the_schema_for_anonymous_readers(case, wsgi_app, editor_headers):
    case.call_and_validate(app=wsgi_app, checks=CHECKS)
