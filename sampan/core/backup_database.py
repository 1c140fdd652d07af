"""The database's part of a backup: a consistent copy taken while the site serves and writes, and loading it back.

SQLite: the backup API copies every page inside one read transaction. In WAL mode readers never block writers,
so the site keeps taking comments meanwhile, and the copy holds exactly what was committed when it began.
PostgreSQL: `pg_dump` reads inside one snapshot (a repeatable-read transaction), with the same effect; its custom
format is loaded with `pg_restore` into an empty database.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection


class DatabaseError(Exception):
    """One line saying what went wrong with the database's part."""


def engine() -> str:
    """`sqlite` or `postgresql`: what a backup records, and what a restore must match."""
    name = settings.DATABASES["default"]["ENGINE"]
    if name.endswith("sqlite3"):
        return "sqlite"
    if name.endswith("postgresql"):
        return "postgresql"
    raise DatabaseError(f"backups know SQLite and PostgreSQL, not {name}")


def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def dump(target: Path) -> None:
    """Write a consistent copy of the live database to `target`."""
    if engine() == "sqlite":
        _dump_sqlite(target)
    else:
        _run_postgres_tool(
            "pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", f"--dbname={_name()}"
        )  # fmt: skip


def _dump_sqlite(target: Path) -> None:
    source_path = sqlite_path()
    if not source_path.exists():
        raise DatabaseError(f"there is no database at {source_path} (has the site been started?)")
    source = sqlite3.connect(source_path, timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one snapshot, however much the site writes meanwhile
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    except sqlite3.Error as error:
        raise DatabaseError(f"could not copy the database: {error}") from error
    finally:
        copy.close()
        source.close()


def is_empty() -> bool:
    """Whether the configured database holds no tables at all (never migrated, or freshly made)."""
    if engine() == "sqlite":
        path = sqlite_path()
        if not path.exists():
            return True
        with sqlite3.connect(path) as db:
            return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    return not connection.introspection.table_names()


def load(source: Path) -> None:
    """Bring a copy back into the configured database, which `is_empty()`."""
    if engine() == "sqlite":
        path = sqlite_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)  # an empty database's files, or nothing
        os.replace(source, path)
    else:
        connection.close()  # so pg_restore's single transaction meets no session of ours
        _run_postgres_tool(
            "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            f"--dbname={_name()}", str(source),
        )  # fmt: skip


def _run_postgres_tool(tool: str, *args: str) -> None:
    program = shutil.which(tool)
    if program is None:
        raise DatabaseError(
            f"{tool} was not found on PATH; install PostgreSQL's client programs (Debian: postgresql-client)"
        )
    done = subprocess.run(
        [program, *args], env=_postgres_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise DatabaseError(f"{tool} failed: {lines[-1] if lines else f'exit {done.returncode}'}")


def _name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def _postgres_environment() -> dict[str, str]:
    """Connection details as libpq's environment variables, so the password never shows in a process list."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    wanted = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGSSLMODE": (db.get("OPTIONS") or {}).get("sslmode"),
    }
    return {**os.environ, **{key: str(value) for key, value in wanted.items() if value}}
