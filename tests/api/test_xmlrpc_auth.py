"""Signing in from an app: application passwords only, WordPress's fault words, and the shared rate limit."""

import pytest
from django.test import override_settings

from sampan.api.passwords import FAILURES_ALLOWED
from sampan.core.models import SiteSettings

from .xmlrpc_helpers import call, fault_of, result_of, writer

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://blog.example.org")
def test_users_blogs_lists_the_one_blog_for_both_apis(client):
    SiteSettings.objects.filter(pk=1).update(title="River Notes")
    _, password = writer("ana")
    expected = {
        "isAdmin": False,
        "url": "https://blog.example.org/",
        "blogid": "1",
        "blogName": "River Notes",
        "xmlrpc": "https://blog.example.org/xmlrpc.php",
    }
    assert result_of(call(client, "wp.getUsersBlogs", "ana", password)) == [expected]
    assert result_of(call(client, "blogger.getUsersBlogs", "appkey", "ana", password)) == [expected]


def test_an_administrator_is_told_so(client):
    _, password = writer("owner", role="Administrator")
    assert result_of(call(client, "wp.getUsersBlogs", "owner", password))[0]["isAdmin"] is True


def test_a_wrong_password_is_wordpress_fault_403(client):
    writer("ana")
    assert fault_of(call(client, "wp.getUsersBlogs", "ana", "nope")) == (
        403,
        "Incorrect username or password.",
    )


def test_the_account_password_does_not_work_on_xmlrpc(client):
    writer("ana")  # the factory's account password is "pw"
    assert fault_of(call(client, "wp.getUsersBlogs", "ana", "pw"))[0] == 403


def test_non_text_credentials_are_an_invalid_params_fault(client):
    assert fault_of(call(client, "wp.getUsersBlogs", ["ana"], {"p": 1}))[0] == -32602


def test_too_many_failures_lock_out_even_the_right_password_with_fault_429(client):
    _, password = writer("ana")
    for _ in range(FAILURES_ALLOWED):
        assert fault_of(call(client, "wp.getUsersBlogs", "ana", "guess"))[0] == 403
    code, message = fault_of(call(client, "wp.getUsersBlogs", "ana", password))
    assert code == 429
    assert "try again" in message


def test_failures_inside_a_multicall_count_towards_the_limit(client):
    _, password = writer("ana")
    guesses = [{"methodName": "wp.getUsersBlogs", "params": ["ana", "guess"]}] * FAILURES_ALLOWED
    answers = result_of(call(client, "system.multicall", guesses))
    assert {a["faultCode"] for a in answers} == {403}
    assert fault_of(call(client, "wp.getUsersBlogs", "ana", password))[0] == 429
