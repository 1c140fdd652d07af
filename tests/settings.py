"""Test settings: the real settings with traps set on purpose (Wagtail's habit).

The time zone is far from UTC (Auckland, +13 in November), so any naive datetime or UTC-vs-local day mix-up
shows up as a wrong day in a permalink, archive or calendar.
"""

import hashlib
import os
from pathlib import Path

os.environ.setdefault("SAMPAN_DATA_DIR", str(Path(__file__).resolve().parent.parent / ".test-data"))
os.environ.setdefault("SAMPAN_TIME_ZONE", "Pacific/Auckland")
# The suite never reaches the internet (servers it starts inherit this environment too).
os.environ["SAMPAN_OUTBOUND_OFFLINE"] = "1"

from sampan.settings import *  # noqa: F403
from sampan.settings import DATA_DIR, DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "test-cache"),
    }
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "test-media"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # One test database per checkout, so two checkouts' runs on one PostgreSQL server never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": "test_sampan_" + hashlib.sha256(str(DATA_DIR).encode()).hexdigest()[:8]
    }
