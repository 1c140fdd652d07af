"""`sampan import-wxr` and `sampan export-wxr` as an owner runs them: a summary, or one clear line and exit 1."""

import pytest
from django.contrib.auth import get_user_model

from sampan.blog.models import Post
from sampan.cli import main

from .conftest import MOVING_IN, UPLOADS, WXR

pytestmark = pytest.mark.django_db


def test_import_prints_a_summary_of_what_came_and_what_was_skipped(capsys):
    assert main(["import-wxr", str(MOVING_IN), "--media-from", str(UPLOADS)]) == 0
    out = capsys.readouterr().out
    assert "Imported" in out
    for row in ("posts", "pages", "comments", "mentions", "media"):
        assert row in out
    assert "nav_menu_item items: no counterpart in Sampan" in out
    assert "replies to comment 999" in out
    assert Post.objects.count() == 10


def test_dry_run_says_so_and_changes_nothing(capsys):
    assert main(["import-wxr", str(MOVING_IN), "--dry-run", "--skip-media"]) == 0
    assert "Dry run: nothing was changed" in capsys.readouterr().out
    assert Post.objects.count() == 0


def test_a_broken_file_exits_1_with_one_line_naming_the_line(capsys):
    assert main(["import-wxr", str(WXR / "malformed/truncated.xml"), "--skip-media"]) == 1
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith("sampan: There was an error when reading this WXR file at line 10")


def test_a_file_that_is_not_wxr_is_refused(capsys):
    assert main(["import-wxr", str(WXR / "missing-version-tag.xml")]) == 1
    assert "This does not appear to be a WXR file" in capsys.readouterr().err


def test_the_author_map_is_read_and_checked(capsys, tmp_path):
    get_user_model().objects.create_user("editor", is_staff=True)
    good = tmp_path / "authors.csv"
    good.write_text("# old login, new user\nwriter,editor\n")
    assert main(["import-wxr", str(WXR / "malformed/unknown-author.xml"), "--author-map", str(good)]) == 0
    assert "its author 'ghost' is not in the author map" in capsys.readouterr().out
    assert Post.objects.get(slug="mapped").author.username == "editor"
    bad = tmp_path / "bad.csv"
    bad.write_text("writer,nobody\n")
    assert main(["import-wxr", str(MOVING_IN), "--author-map", str(bad)]) == 1
    assert "line 1: there is no Sampan user named 'nobody'" in capsys.readouterr().err


def test_media_from_must_be_a_folder(capsys, tmp_path):
    assert main(["import-wxr", str(MOVING_IN), "--media-from", str(tmp_path / "nowhere")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_export_writes_wxr_to_standard_output(capsysbinary):
    main(["import-wxr", str(MOVING_IN), "--skip-media"])
    capsysbinary.readouterr()
    assert main(["export-wxr"]) == 0
    out = capsysbinary.readouterr().out
    assert out.startswith(b'<?xml version="1.0" encoding="UTF-8" ?>')
    assert b"<wp:wxr_version>1.2</wp:wxr_version>" in out and b"Down the river" in out
