"""A new server process loads its URLs and templates before its first reader, not while that reader waits."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

from sampan.core.warmup import warm_up

ROOT = Path(__file__).resolve().parent.parent.parent

WHAT_A_NEW_PROCESS_HAS_LOADED = """
import json, sys
import sampan.wsgi
from django.template import engines
from django.urls import get_resolver
compiled = engines["django"].engine.template_loaders[0].get_template_cache
print(json.dumps({
    "rest_api_imported": "sampan.api.rest.api" in sys.modules,
    "lookups_built": get_resolver()._populated,
    "post_template_compiled": "blog/post_detail.html" in compiled,
    "comment_form_compiled": any(name.startswith("comments/") for name in compiled),
}))
"""


def test_importing_the_server_application_loads_urls_and_templates(tmp_path):
    # Before, the first reader in each new process waited about a second for this (and, under load, every
    # reader of that process did); a data folder with no database yet shows that it needs none.
    env = {**os.environ, "SAMPAN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "sampan.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", WHAT_A_NEW_PROCESS_HAS_LOADED],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "rest_api_imported": True,
        "lookups_built": True,
        "post_template_compiled": True,
        "comment_form_compiled": True,
    }
    assert not (tmp_path / "sampan.sqlite3").exists()


def test_a_failing_warm_up_is_reported_and_never_stops_the_server(caplog):
    with override_settings(ROOT_URLCONF="tests.core.no_such_urlconf"), caplog.at_level(logging.WARNING):
        warm_up()  # does not raise
    assert "Warm-up did not finish" in caplog.text
    assert "no_such_urlconf" in caplog.text
