"""The admin sign-in: lockout, no account enumeration, Argon2, two-step codes and recovery codes."""

import time
from types import SimpleNamespace

import pyotp
import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from sampan.core import ratelimit
from sampan.security import codes
from sampan.security.models import RecoveryCode, TwoStep
from tests.factories import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, **extra)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_right_password_signs_in_and_wrong_one_does_not(client):
    make_user("ana", role="Administrator", password="correct horse")
    assert b"Please enter the correct username" in sign_in(client, "ana", "nope").content
    assert not signed_in(client)
    response = sign_in(client, "ana", "correct horse")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_repeated_failures_lock_the_account_with_a_clear_message(client):
    make_user("ana", role="Administrator", password="correct horse")
    for _ in range(5):
        sign_in(client, "ana", "guess")
    response = sign_in(client, "ana", "correct horse")
    assert b"Too many failed sign-ins; try again in" in response.content
    assert b"minutes" in response.content or b"minute." in response.content
    assert not signed_in(client)
    # Another account from the same client is not locked by those five.
    make_user("bo", role="Administrator", password="bo's password")
    assert sign_in(client, "bo", "bo's password").status_code == 302


def test_failures_either_side_of_a_quarter_hour_still_lock(client, monkeypatch):
    make_user("ana", role="Administrator", password="correct horse")
    now = [1_800_000_000.0 - 1]  # a second before the lockout's 15-minute buckets turn over
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))
    for _ in range(3):
        sign_in(client, "ana", "guess")
    now[0] += 2
    for _ in range(2):
        sign_in(client, "ana", "guess")
    response = sign_in(client, "ana", "correct horse")
    assert b"Too many failed sign-ins; try again in 5 minutes." in response.content
    assert not signed_in(client)


def test_the_lock_follows_the_account_across_clients(client):
    make_user("ana", role="Administrator", password="correct horse")
    for n in range(5):
        sign_in(client, "ANA", "guess", REMOTE_ADDR=f"203.0.113.{n}")
    response = sign_in(client, "ana", "correct horse", REMOTE_ADDR="198.51.100.7")
    assert b"Too many failed sign-ins" in response.content


def test_one_client_trying_many_accounts_is_locked_out(client):
    make_user("ana", role="Administrator", password="correct horse")
    for n in range(20):
        sign_in(client, f"name{n}", "guess")
    assert b"Too many failed sign-ins" in sign_in(client, "ana", "correct horse").content


def test_unknown_names_get_the_same_answer_and_lock_the_same_way(client):
    make_user("ana", role="Administrator", password="correct horse")
    real = sign_in(client, "ana", "wrong").content.decode()
    unknown = sign_in(client, "nobody", "wrong").content.decode()
    strip = lambda html: html.replace("nobody", "ana")  # noqa: E731 (the name is echoed in the form)
    assert strip(unknown).split("csrfmiddlewaretoken")[0] == real.split("csrfmiddlewaretoken")[0]
    for _ in range(4):
        sign_in(client, "nobody", "wrong")
    assert b"Too many failed sign-ins" in sign_in(client, "nobody", "wrong").content


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
)
def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded_on_sign_in(client):
    user = make_user("ana", role="Administrator")
    user.password = "md5$salt$" + __import__("hashlib").md5(b"saltcorrect horse").hexdigest()
    user.save()
    assert sign_in(client, "ana", "correct horse").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    fresh = get_user_model().objects.create_user("bo", password="another one")
    assert fresh.password.startswith("argon2$")


def test_the_project_settings_put_argon2_first():
    from sampan import settings as project

    assert project.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert project.SESSION_COOKIE_HTTPONLY and project.SESSION_COOKIE_SAMESITE == "Lax"


def test_session_cookie_is_httponly_and_samesite(client):
    make_user("ana", role="Administrator", password="correct horse")
    response = sign_in(client, "ana", "correct horse")
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def enrol(user) -> str:
    secret = codes.new_secret()
    step = int(time.time() // 30)
    codes.enrol(user, secret=secret, step=step - 2)
    return secret


def test_enrolled_writer_needs_a_code_after_the_password(client):
    user = make_user("ana", role="Administrator", password="correct horse")
    secret = enrol(user)
    response = sign_in(client, "ana", "correct horse")
    assert response["Location"] == "/admin/login/code/"
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # not in yet
    response = client.post(
        "/admin/login/code/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"}
    )
    assert b"That code is not right" in response.content and not signed_in(client)
    response = client.post("/admin/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_a_code_is_accepted_only_once(client):
    user = make_user("ana", role="Administrator", password="correct horse")
    secret = enrol(user)
    now = pyotp.TOTP(secret).now()
    assert codes.verify(user, now)
    assert not codes.verify(user, now)


def test_recovery_codes_sign_in_once_each_and_are_stored_hashed(client):
    user = make_user("ana", role="Administrator", password="correct horse")
    enrol(user)
    recovery = codes.make_recovery_codes(user)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    stored = list(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert not set(recovery) & set(stored)
    sign_in(client, "ana", "correct horse")
    assert client.post("/admin/login/code/", {"code": recovery[0].upper()}).status_code == 302
    client.logout()
    sign_in(client, "ana", "correct horse")
    assert b"already used" in client.post("/admin/login/code/", {"code": recovery[0]}).content
    assert codes.recovery_codes_left(user) == 9


def test_wrong_codes_count_towards_the_lockout(client):
    user = make_user("ana", role="Administrator", password="correct horse")
    enrol(user)
    sign_in(client, "ana", "correct horse")
    for _ in range(5):
        client.post("/admin/login/code/", {"code": "12345a"})
    response = client.post("/admin/login/code/", {"code": "123456"})
    assert b"Too many failed sign-ins" in response.content
    assert not signed_in(client)


def test_enrolment_page_shows_an_svg_qr_code_and_turns_two_step_on(client):
    user = make_user("ana", role="Administrator", password="correct horse")
    client.force_login(user)
    page = client.get("/admin/two-step/")
    assert b"<svg" in page.content
    secret = client.session["sampan_enrol_secret"]
    wrong = client.post("/admin/two-step/", {"action": "enrol", "code": "000000"})
    assert b"does not match" in wrong.content and not TwoStep.objects.exists()
    done = client.post("/admin/two-step/", {"action": "enrol", "code": pyotp.TOTP(secret).now()})
    assert done.content.count(b"<li><code>") == 10
    assert TwoStep.objects.filter(user=user).exists()
    # Shown once: the page afterwards says how many are left, not what they are.
    assert b"Recovery codes left: 10" in client.get("/admin/two-step/").content


def test_regenerate_and_turn_off_need_a_current_code(client):
    user = make_user("ana", role="Administrator", password="correct horse")
    secret = enrol(user)
    client.force_login(user)
    assert b"not right" in client.post("/admin/two-step/", {"action": "disable", "code": "999999"}).content
    assert TwoStep.objects.filter(user=user).exists()
    old = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    page = client.post("/admin/two-step/", {"action": "regenerate", "code": pyotp.TOTP(secret).now()})
    assert page.content.count(b"<li><code>") == 10
    assert not old & set(RecoveryCode.objects.values_list("code_hash", flat=True))
    recovery = codes.make_recovery_codes(user)
    client.post("/admin/two-step/", {"action": "disable", "code": recovery[0]})
    assert not TwoStep.objects.filter(user=user).exists() and not RecoveryCode.objects.exists()


@override_settings(REQUIRE_2FA=True)
def test_required_two_step_makes_a_writer_enrol_before_entering(client):
    make_user("ana", role="Administrator", password="correct horse")
    response = sign_in(client, "ana", "correct horse")
    assert response["Location"] == "/admin/two-step/"
    assert not signed_in(client)
    page = client.get("/admin/two-step/")
    assert b"asks every writer to use two-step sign-in" in page.content
    assert client.get("/admin/").status_code == 302
    secret = client.session["sampan_enrol_secret"]
    done = client.post("/admin/two-step/", {"action": "enrol", "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and signed_in(client)
    assert client.get("/admin/").status_code == 200


def test_tests_that_force_login_are_not_asked_for_a_code(client):
    user = make_user("ana", role="Administrator")
    enrol(user)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200


def test_security_entry_in_the_admin_leads_to_the_two_step_page(client):
    client.force_login(make_user("ana", role="Administrator"))
    assert b"Two-step sign-in" in client.get("/admin/").content
    assert client.get("/admin/security/twostep/")["Location"] == "/admin/two-step/"


def test_a_stale_password_step_must_start_again(client, monkeypatch):
    user = make_user("ana", role="Administrator", password="correct horse")
    secret = enrol(user)
    sign_in(client, "ana", "correct horse")
    later = time.time() + 6 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post("/admin/login/code/", {"code": pyotp.TOTP(secret).at(later)})
    assert response["Location"] == "/admin/login/" and not signed_in(client)


def test_an_https_site_marks_its_session_and_csrf_cookies_secure(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "SAMPAN_SITE_URL": "https://blog.example.org", "SAMPAN_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sampan import settings as s; "
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "True", "True", "Lax"], out.stderr
