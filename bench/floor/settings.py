"""Settings for the floor app: only what one ORM query and one template need."""

import os
from pathlib import Path

DATA_DIR = Path(os.environ["SAMPAN_DATA_DIR"])
SECRET_KEY = "bench-floor-not-secret"  # noqa: S105 (serves nothing but a benchmark page)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["bench.floor"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.floor.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "sampan.sqlite3"),
        "CONN_MAX_AGE": 600,
    }
}
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
