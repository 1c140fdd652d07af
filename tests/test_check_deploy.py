"""`sampan check-deploy`: each check passes on a well-set site and fails, saying what to change, otherwise."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from sampan.security import deploy_checks

GOOD_KEY = "Vq3p-R8xZ_tL0m2Nc7Wb4Yh9Ks6Dj1Fg5Ae8Ui3Oy7Pl2Qw0Er4Tz9Xc6Bv1Nm5Ha"


@override_settings(SECRET_KEY=GOOD_KEY)
def test_a_long_random_secret_key_passes():
    assert deploy_checks.secret_key().ok


@pytest.mark.parametrize(
    "key",
    [
        "a-long-random-string-shared-by-every-machine",  # the example in deploy/sampan.env.example
        "django-insecure-" + "x1y2z3" * 10,
        "short",
        "ab" * 40,  # long but only two characters
    ],
)
def test_an_example_short_or_simple_secret_key_fails(key):
    with override_settings(SECRET_KEY=key):
        result = deploy_checks.secret_key()
    assert not result.ok
    assert "SAMPAN_SECRET_KEY" in result.detail or "random" in result.detail


def test_debug_must_be_off():
    with override_settings(DEBUG=True):
        assert not deploy_checks.debug_off().ok
    with override_settings(DEBUG=False):
        assert deploy_checks.debug_off().ok


def test_site_url_must_be_https():
    with override_settings(SITE_URL="http://blog.example.org"):
        result = deploy_checks.https()
    assert not result.ok and "https://" in result.detail
    with override_settings(SITE_URL="https://blog.example.org"):
        assert deploy_checks.https().ok


def test_email_must_go_out_by_smtp_not_to_the_outbox():
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend"):
        result = deploy_checks.email()
    assert not result.ok and "SAMPAN_EMAIL_URL" in result.detail
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="mail.example.org",
        EMAIL_PORT=587,
    ):
        assert deploy_checks.email().ok


def test_allowed_hosts_must_not_be_a_wildcard():
    with override_settings(ALLOWED_HOSTS=["*"]):
        assert not deploy_checks.allowed_hosts().ok
    with override_settings(ALLOWED_HOSTS=["blog.example.org"]):
        assert deploy_checks.allowed_hosts().ok


def test_the_secret_key_file_must_be_owner_only(tmp_path: Path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(GOOD_KEY)
    key_file.chmod(0o600)
    tmp_path.chmod(0o700)
    with override_settings(DATA_DIR=tmp_path):
        assert deploy_checks.data_dir().ok
        key_file.chmod(0o644)
        result = deploy_checks.data_dir()
        assert not result.ok and "chmod 600" in result.detail
        key_file.chmod(0o600)
        tmp_path.chmod(0o777)
        assert "chmod o-w" in deploy_checks.data_dir().detail
    tmp_path.chmod(0o700)


@pytest.mark.django_db
def test_the_database_must_answer():
    assert deploy_checks.database().ok


def test_an_unreachable_database_fails(tmp_path: Path):
    result = run_command(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/missing-folder/db.sqlite3")
    assert result.returncode == 1
    assert "FAIL  Database: not reachable" in result.stdout


def test_a_deploy_warning_from_django_fails_the_check():
    with override_settings(SESSION_COOKIE_SECURE=False, DEBUG=False):
        result = deploy_checks.django_deploy()
    assert not result.ok and "security.W012" in result.detail


def run_command(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SAMPAN_", "DJANGO_", "DATABASE_URL"))}
    tmp_path.chmod(0o700)
    return subprocess.run(
        [sys.executable, "-m", "sampan.cli", "check-deploy"],
        env={**base, "SAMPAN_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_well_set_site_passes_every_check_and_exits_zero(tmp_path: Path):
    result = run_command(
        tmp_path,
        SAMPAN_SITE_URL="https://blog.example.org",
        SAMPAN_EMAIL_URL="smtp://blog:secret@mail.example.org:587?tls=1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All 8 checks passed." in result.stdout
    assert "HTTP is redirected to HTTPS by the web server" in result.stdout


def test_a_fresh_development_setup_fails_with_a_clear_list(tmp_path: Path):
    result = run_command(tmp_path, SAMPAN_DEBUG="1", SAMPAN_SECRET_KEY="change-me")
    assert result.returncode == 1
    for line in ("FAIL  Secret key", "FAIL  Debug", "FAIL  HTTPS", "FAIL  Email"):
        assert line in result.stdout
    assert "ok    Database" in result.stdout
    assert "checks failed." in result.stdout
