"""Calling /xmlrpc.php through Django's test client, with requests built by Python's own XML-RPC library."""

import xmlrpc.client
from typing import Any

from sampan.api.passwords import create_app_password
from tests.factories import make_user


def post_xml(client: Any, body: bytes | str, **extra: Any) -> Any:
    return client.generic("POST", "/xmlrpc.php", body, content_type="text/xml", **extra)


def call(client: Any, method: str, *params: Any) -> Any:
    return post_xml(client, xmlrpc.client.dumps(params, methodname=method, allow_none=True))


def result_of(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    (value,), _ = xmlrpc.client.loads(response.content, use_datetime=True)
    return value


def fault_of(response: Any) -> tuple[int, str]:
    assert response.status_code == 200, response.content[:500]
    try:
        xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault as fault:
        return fault.faultCode, fault.faultString
    raise AssertionError(f"expected a fault, got {response.content[:300]!r}")


def writer(username: str, *, role: str = "Author") -> tuple[Any, str]:
    """A staff user with the role and a fresh application password for them."""
    user = make_user(username, role=role)
    return user, create_app_password(user=user, label="tests").password
