"""`sampan check-deploy`: is this site ready to face the internet? Django's deploy checks plus Sampan's own.

Each check says what it found and, when it fails, what to change. The command exits 0 when all pass.
"""

import argparse
import math
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import connection

# Keys from examples and docs: a site that copied one signs its links with a key anyone can read.
EXAMPLE_KEYS = {"a-long-random-string-shared-by-every-machine", "change-me", "changeme", "secret"}
MIN_KEY_BITS = 256
# Django deploy warnings that are the owner's informed choice, shown as notes rather than failures.
NOTES = {
    "security.W005": "HSTS for subdomains is left off: only the owner knows whether every subdomain has HTTPS",
    "security.W021": "HSTS preload is left off: joining the browsers' preload list is hard to undo",
    "security.W008": "HTTP is redirected to HTTPS by the web server in front (deploy/nginx.conf)",
}


@dataclass(frozen=True)
class Result:
    name: str
    ok: bool
    detail: str


def django_deploy() -> Result:
    found = [
        m
        for m in checks.run_checks(include_deployment_checks=True)
        if m.level >= checks.WARNING and not m.is_silenced()
    ]
    notes = "; ".join(NOTES[m.id] for m in found if m.id in NOTES)
    found = [m for m in found if m.id not in NOTES]
    if not found:
        return Result(
            "Django's deploy checks", True, f"no warnings{' (notes: ' + notes + ')' if notes else ''}"
        )
    return Result("Django's deploy checks", False, "; ".join(f"{m.id}: {m.msg}" for m in found))


def key_bits(key: str) -> float:
    """A generous upper bound of the key's randomness: length times log2 of the distinct characters."""
    distinct = len(set(key))
    return len(key) * math.log2(distinct) if distinct > 1 else 0.0


def secret_key() -> Result:
    key = str(settings.SECRET_KEY)
    if key in EXAMPLE_KEYS or key.startswith("django-insecure-"):
        return Result(
            "Secret key", False, "is an example value: set SAMPAN_SECRET_KEY to a new random string"
        )
    if len(key) < 50 or len(set(key)) < 5 or key_bits(key) < MIN_KEY_BITS:
        return Result(
            "Secret key",
            False,
            f"too short or too simple ({len(key)} characters, {len(set(key))} distinct): use 50+ random "
            "characters, or unset SAMPAN_SECRET_KEY to use the generated one",
        )
    return Result("Secret key", True, f"{len(key)} characters")


def debug_off() -> Result:
    if settings.DEBUG:
        return Result("Debug", False, "on: unset SAMPAN_DEBUG (debug pages show settings and code to anyone)")
    return Result("Debug", True, "off")


def https() -> Result:
    if not settings.SITE_URL.startswith("https://"):
        return Result("HTTPS", False, f"SAMPAN_SITE_URL is {settings.SITE_URL}: use an https:// address")
    return Result("HTTPS", True, settings.SITE_URL)


def email() -> Result:
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return Result("Email", True, f"sent through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}")
    return Result(
        "Email", False, "mail goes to the outbox folder, not to readers: set SAMPAN_EMAIL_URL (smtp://…)"
    )


def allowed_hosts() -> Result:
    if "*" in settings.ALLOWED_HOSTS:
        return Result("Allowed hosts", False, "'*' answers any host name: list the site's names instead")
    return Result("Allowed hosts", True, ", ".join(settings.ALLOWED_HOSTS))


def data_dir() -> Result:
    folder = Path(settings.DATA_DIR)
    problems = []
    if folder.stat().st_mode & stat.S_IWOTH:
        problems.append(f"{folder} can be written by anyone (chmod o-w)")
    key_file = folder / "secret_key"
    if key_file.exists() and key_file.stat().st_mode & 0o077:
        problems.append(f"{key_file} can be read by others (chmod 600)")
    if problems:
        return Result("Data folder", False, "; ".join(problems))
    return Result("Data folder", True, f"{folder}, secret key file owner-only")


def database() -> Result:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as err:  # any failure to connect is the finding itself
        return Result("Database", False, f"not reachable: {err}")
    return Result("Database", True, f"{connection.vendor} reachable")


CHECKS: list[Callable[[], Result]] = [
    secret_key,
    debug_off,
    https,
    email,
    allowed_hosts,
    data_dir,
    database,
    django_deploy,
]


def run() -> list[Result]:
    return [check() for check in CHECKS]


def check_deploy_command(argv: Sequence[str]) -> int:
    argparse.ArgumentParser(
        prog="sampan check-deploy",
        description="Check that the site is safe to serve publicly: exits 0 when every check passes, 1 otherwise.",
    ).parse_args(argv)
    results = run()
    for result in results:
        print(f"{'ok  ' if result.ok else 'FAIL'}  {result.name}: {result.detail}")
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"\n{len(failed)} of {len(results)} checks failed.")
        return 1
    print(f"\nAll {len(results)} checks passed.")
    return 0
