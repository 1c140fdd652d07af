"""Fixtures for the WordPress import and export tests: the fixture files, and media kept in a temporary folder."""

from pathlib import Path

import pytest

from sampan.porting.importer import Options, Report, import_wxr

WXR = Path(__file__).resolve().parent.parent / "fixtures" / "wxr"
MOVING_IN = WXR / "sampan-moving-in.xml"
UPLOADS = WXR / "media"


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_import(path: Path = MOVING_IN, **options: object) -> Report:
    options.setdefault("media_from", UPLOADS)
    return import_wxr(path, options=Options(**options))  # type: ignore[arg-type]
