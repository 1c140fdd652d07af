"""Public forms take a POST with no cookie only when the browser says it comes from this site."""

import pytest
from django.test import RequestFactory

from sampan.core.origin import is_same_origin_post

factory = RequestFactory()


def post(**headers):
    return factory.post("/follow/", {"email": "a@example.org"}, headers=headers)


@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ({"Sec-Fetch-Site": "same-origin"}, True),
        (
            {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
            True,
        ),  # the newer header decides
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({"Sec-Fetch-Site": "same-site"}, False),  # a sibling subdomain is another site's page
        ({"Sec-Fetch-Site": "none"}, False),
        ({"Origin": "http://testserver"}, True),
        ({"Origin": "http://127.0.0.1:8000"}, True),  # the configured site address
        ({"Origin": "https://evil.example"}, False),
        ({"Origin": "null"}, False),
        ({"Referer": "http://testserver/2026/01/01/a-post/"}, True),
        ({"Referer": "https://evil.example/page"}, False),
        ({}, False),
    ],
)
def test_only_posts_from_the_sites_own_pages_are_accepted(headers, accepted):
    assert is_same_origin_post(post(**headers)) is accepted


def test_a_request_for_a_host_the_site_does_not_serve_still_compares_to_the_configured_origin(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = factory.post("/follow/", headers={"Origin": "http://evil.example"}, HTTP_HOST="evil.example")
    assert is_same_origin_post(request) is False
