import pytest

from sampan.api.models import ApplicationPassword
from sampan.api.passwords import (
    FAILURES_ALLOWED,
    AuthenticationFailed,
    TooManyAttempts,
    authenticate,
    create_app_password,
    revoke_app_password,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_an_application_password_signs_its_writer_in_and_only_its_hash_is_kept():
    ana = make_user("ana", role="Author", password="account-password")
    made = create_app_password(user=ana, label="MarsEdit")
    assert authenticate(username="ana", password=made.password) == ana
    stored = ApplicationPassword.objects.get()
    assert made.password not in stored.digest
    assert stored.last_used_at is not None


def test_spaces_apps_add_for_readability_are_ignored():
    ana = make_user("ana", role="Author")
    made = create_app_password(user=ana, label="phone")
    spaced = " ".join(made.password[i : i + 4] for i in range(0, len(made.password), 4))
    assert authenticate(username="ana", password=spaced) == ana


def test_the_account_password_never_works_on_the_api():
    make_user("ana", role="Author", password="account-password")
    with pytest.raises(AuthenticationFailed):
        authenticate(username="ana", password="account-password")


def test_a_password_works_only_for_its_own_user_and_not_after_revoking():
    ana = make_user("ana", role="Author")
    make_user("bob", role="Author")
    made = create_app_password(user=ana, label="script")
    with pytest.raises(AuthenticationFailed):
        authenticate(username="bob", password=made.password)
    revoke_app_password(made.record)
    with pytest.raises(AuthenticationFailed):
        authenticate(username="ana", password=made.password)


def test_readers_without_a_writing_role_cannot_use_the_api():
    reader = make_user("reader")
    made = create_app_password(user=reader, label="x")
    with pytest.raises(AuthenticationFailed):
        authenticate(username="reader", password=made.password)


def test_repeated_failures_lock_the_account_out_for_a_while_even_with_the_right_password():
    ana = make_user("ana", role="Author")
    made = create_app_password(user=ana, label="x")
    for _ in range(FAILURES_ALLOWED):
        with pytest.raises(AuthenticationFailed):
            authenticate(username="ana", password="guess")
    with pytest.raises(TooManyAttempts):
        authenticate(username="ana", password=made.password)
