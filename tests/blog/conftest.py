import pytest

from tests.factories import make_user


@pytest.fixture
def author(client):
    """An Author, signed in to the admin with the test client."""
    user = make_user("ana", role="Author")
    client.force_login(user)
    return user


@pytest.fixture
def editor(client):
    """An Editor, signed in to the admin with the test client."""
    user = make_user("eve", role="Editor")
    client.force_login(user)
    return user
