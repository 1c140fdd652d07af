"""`sampan backup [FILE]` and `sampan restore FILE`: what each does in order, and their one-line answers.

`restore` checks the whole archive before Django starts (so a damaged file changes nothing, not even the data
folder), then checks the target is empty, then puts the files in place and migrates: a backup made by an older
Sampan comes back into the newer code.
"""

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from django.db import Error as DatabaseError

import sampan

from .backup import (
    DATABASE_NAMES,
    SECRET_KEY,
    BackupError,
    Manifest,
    extract,
    move_tree,
    read_manifest,
    staging_dir,
    version_tuple,
    write_archive,
)

# What any start of Sampan makes in a data folder by itself: their presence leaves a folder "empty".
MADE_ON_START = {"static", "cache", SECRET_KEY}


def backup_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sampan backup",
        description="Back up the database, media and secret key into one file, while the site keeps running.",
    )
    parser.add_argument(
        "file", nargs="?", type=Path,
        help="where to write it (default: sampan-backup-YYYYMMDD-HHMMSS.tar.gz in the current folder)",
    )  # fmt: skip
    options = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    destination = (options.file or Path(f"sampan-backup-{stamp}.tar.gz")).resolve()
    try:
        manifest = make_backup(destination=destination)
    except (BackupError, OSError, DatabaseError) as error:
        print(f"sampan: backup failed: {_one_line(error)}", file=sys.stderr)
        return 1
    print(f"Backup written to {destination} ({_size(destination.stat().st_size)}: {manifest.summary()})")
    return 0


def make_backup(*, destination: Path) -> Manifest:
    from django.conf import settings

    from . import backup_database

    if destination.exists():
        raise BackupError(f"{destination} already exists; name a new file")
    if not destination.parent.is_dir():
        raise BackupError(f"there is no folder {destination.parent}")
    with tempfile.TemporaryDirectory(prefix=".sampan-backup-", dir=destination.parent) as work:
        database = Path(work) / "database"
        try:
            backup_database.dump(database)
        except backup_database.DatabaseError as error:
            raise BackupError(str(error)) from error
        return write_archive(
            destination,
            engine=backup_database.engine(),
            database=database,
            media_root=Path(settings.MEDIA_ROOT),
            secret_key=Path(settings.DATA_DIR) / SECRET_KEY,
        )


def restore_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="sampan restore",
        description="Bring a backup back into an empty data folder (and an empty database); never asks.",
    )
    parser.add_argument("file", type=Path, help="a file written by `sampan backup`")
    options = parser.parse_args(argv)
    try:
        if not options.file.is_file():
            raise BackupError(f"there is no file {options.file}")
        manifest = read_manifest(options.file)
        import django

        django.setup()
        where = restore_backup(archive=options.file, manifest=manifest)
    except (BackupError, OSError, DatabaseError) as error:
        print(f"sampan: restore refused: {_one_line(error)}", file=sys.stderr)
        return 1
    made = manifest.data["created_at"]
    print(f"Restored {options.file} (made {made} by Sampan {manifest.data['sampan_version']}) into {where}: "
          f"{manifest.summary()}")  # fmt: skip
    return 0


def restore_backup(*, archive: Path, manifest: Manifest) -> Path:
    """Put a checked backup in place in the configured (empty) site; the data folder it went to."""
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command

    from . import backup_database

    if manifest.engine != backup_database.engine():
        raise BackupError(
            f"this backup holds a {manifest.engine} database and this site uses {backup_database.engine()}; "
            "set DATABASE_URL to match"
        )
    if version_tuple(manifest.data["sampan_version"]) > version_tuple(sampan.__version__):
        raise BackupError(
            f"this backup was made by Sampan {manifest.data['sampan_version']}, newer than this "
            f"{sampan.__version__}; upgrade Sampan to restore it"
        )
    data_dir, media_root = Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)
    _refuse_unless_empty(data_dir, media_root)
    with staging_dir(data_dir) as work:
        staging = Path(work)
        extract(archive, manifest, staging)
        try:
            backup_database.load(staging / DATABASE_NAMES[manifest.engine])
        except backup_database.DatabaseError as error:
            raise BackupError(str(error)) from error
        move_tree(staging / "media", media_root)
        if (staging / SECRET_KEY).exists():
            os.chmod(staging / SECRET_KEY, 0o600)
            os.replace(staging / SECRET_KEY, data_dir / SECRET_KEY)
    call_command("migrate", interactive=False, verbosity=0)  # an older backup meets the newer code
    cache.clear()  # pages an empty site cached before must not outlive it
    return data_dir


def _refuse_unless_empty(data_dir: Path, media_root: Path) -> None:
    from . import backup_database

    if not backup_database.is_empty():
        raise BackupError("the database already holds a site; restore into an empty one")
    database_files = set()
    if backup_database.engine() == "sqlite":
        path = backup_database.sqlite_path()
        database_files = {path, Path(f"{path}-wal"), Path(f"{path}-shm")}
    for root in (data_dir, media_root):
        for path in sorted(root.rglob("*")) if root.is_dir() else []:
            top = path.relative_to(root).parts[0]
            if root == data_dir and (top in MADE_ON_START or top.startswith(".sampan-restore-")):
                continue
            if path.is_file() and path not in database_files:
                raise BackupError(
                    f"{data_dir} is not empty ({path} is there); restore into an empty data folder"
                )


def _one_line(error: Exception) -> str:
    """A database driver's message can run to several lines; its first says what happened."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _size(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{count} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{count} bytes"
