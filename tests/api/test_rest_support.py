"""Helpers the REST API tests share (no tests here): writers with application passwords, and their headers."""

import base64
from typing import Any

from sampan.api.passwords import create_app_password
from tests.factories import make_user


def basic(username: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def writer(role: str, username: str = "") -> tuple[Any, dict[str, str]]:
    """A staff user in this role, and the Authorization header of a fresh application password of theirs."""
    user = make_user(username, role=role)
    new = create_app_password(user=user, label="tests")
    return user, basic(user.username, new.password)
