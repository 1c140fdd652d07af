"""`sampan backup` and `sampan restore`, for real: separate processes, a serving site, real files.

On SQLite (the suite's first run) the sites are SQLite sites; on PostgreSQL (DATABASE_URL names one) the round
trip goes through pg_dump and pg_restore into a scratch database made for the test.
"""

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from tests.core.comment_stream import (
    CommentStream,
    comment_ids_in,
    comments_on_page,
    sampan,
    seed_site,
    site_env,
)
from tests.servers import free_port, start_serve, wait_for

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="the SQLite run covers SQLite sites")
pytestmark = pytest.mark.server


def stop(server) -> None:
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


@sqlite_only
def test_a_backup_taken_while_readers_comment_holds_every_acknowledged_comment_and_restores_the_same_page(
    tmp_path: Path,
):
    env, port, post_path = seed_site(tmp_path / "site")
    server = start_serve(env, port)
    try:
        stream = CommentStream(port, post_path).start()
        wait_for(lambda: len(stream.acknowledged) >= 20, "comments before the backup")
        backup_began = time.monotonic()
        answer = sampan(env, "backup", str(tmp_path / "site.tar.gz"))
        backup_ended = time.monotonic()
        wait_for(lambda: stream.acknowledged[-1][0] > backup_ended + 1, "comments after the backup")
        stream.finish()
        original = urlopen(f"http://127.0.0.1:{port}{post_path}", timeout=30).read().decode()
    finally:
        stop(server)
    assert answer.stdout.startswith(f"Backup written to {tmp_path / 'site.tar.gz'} (")
    acknowledged_before = stream.acknowledged_ids(before=backup_began)
    # Answered a good while after the backup process had ended (its copy was made before it wrote the file).
    acknowledged_after = stream.acknowledged_ids() - stream.acknowledged_ids(before=backup_ended + 1)
    assert len(acknowledged_before) >= 20 and acknowledged_after

    restored_port = free_port()
    restored_env = site_env(tmp_path / "restored", restored_port)
    answer = sampan(restored_env, "restore", str(tmp_path / "site.tar.gz"))
    assert "Restored" in answer.stdout and "secret key" in answer.stdout
    in_backup = comment_ids_in(tmp_path / "restored" / "sampan.sqlite3")
    assert acknowledged_before <= in_backup  # every comment answered before the backup began is in it
    assert not in_backup & acknowledged_after  # and it is one moment's copy, not a smear across time

    server = start_serve(restored_env, restored_port)
    try:
        restored = urlopen(f"http://127.0.0.1:{restored_port}{post_path}", timeout=30).read().decode()
    finally:
        stop(server)
    shown, shown_before = comments_on_page(restored), comments_on_page(original)
    assert acknowledged_before <= set(shown)
    # The same thread: each restored comment reads exactly as on the original site (name, time, text, avatar),
    # in the same order, followed there only by those posted after the backup.
    assert list(shown) == list(shown_before)[: len(shown)]
    assert all(shown[cid] == shown_before[cid] for cid in shown)


@sqlite_only
def test_the_backup_holds_database_media_and_secret_key_with_checksums_and_never_the_page_cache(
    tmp_path: Path,
):
    env, _, _ = seed_site(tmp_path / "site")
    media = tmp_path / "site" / "media" / "2026" / "11"
    media.mkdir(parents=True)
    (media / "harbour.jpg").write_bytes(b"\xff\xd8 not really a photo")
    cache = tmp_path / "site" / "cache"
    cache.mkdir(exist_ok=True)
    (cache / "page.djcache").write_text("a cached page")
    answer = sampan(env, "backup", str(tmp_path / "site.tar.gz"))
    assert answer.stdout.rstrip().endswith("database, 1 media file, secret key)")
    assert (tmp_path / "site.tar.gz").stat().st_mode & 0o777 == 0o600  # it holds the key and readers' emails
    with tarfile.open(tmp_path / "site.tar.gz") as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        photo = tar.extractfile("media/2026/11/harbour.jpg").read()  # type: ignore[union-attr]
    assert names == {"manifest.json", "database/sampan.sqlite3", "media/2026/11/harbour.jpg", "secret_key"}
    assert manifest["engine"] == "sqlite" and manifest["sampan_version"] and manifest["created_at"]
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert listed["media/2026/11/harbour.jpg"]["sha256"] == hashlib.sha256(photo).hexdigest()
    assert listed["secret_key"]["size"] == (tmp_path / "site" / "secret_key").stat().st_size


@sqlite_only
def test_backup_without_a_file_name_writes_a_dated_file_here_and_never_overwrites(tmp_path: Path):
    env, _, _ = seed_site(tmp_path / "site")
    here = tmp_path / "backups"
    here.mkdir()
    done = sampan_in(here, env, "backup")
    [written] = list(here.glob("sampan-backup-*.tar.gz"))
    assert str(written) in done.stdout
    again = sampan(env, "backup", str(written), check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


def sampan_in(folder: Path, env: dict[str, str], *args: str):
    return subprocess.run(
        [sys.executable, "-m", "sampan.cli", *args], env=env, cwd=folder, capture_output=True, text=True,
        check=True, timeout=300,
    )  # fmt: skip


@sqlite_only
def test_a_backup_from_an_older_schema_is_migrated_when_restored(tmp_path: Path):
    env, _, _ = seed_site(tmp_path / "site")
    sampan(env, "migrate", "likes", "zero", "-v0")  # as a site from before likes existed
    sampan(env, "backup", str(tmp_path / "old.tar.gz"))
    restored_env = site_env(tmp_path / "restored", free_port())
    sampan(restored_env, "restore", str(tmp_path / "old.tar.gz"))
    plan = sampan(restored_env, "showmigrations", "--plan").stdout
    assert "[ ]" not in plan and "likes" in plan


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def backup_file(tmp_path: Path) -> Path:
    env, _, _ = seed_site(tmp_path / "site")
    (tmp_path / "site" / "media").mkdir(exist_ok=True)
    (tmp_path / "site" / "media" / "note.txt").write_text("kept")
    sampan(env, "backup", str(tmp_path / "site.tar.gz"))
    return tmp_path / "site.tar.gz"


def refused(env: dict[str, str], archive: Path, says: str) -> None:
    done = sampan(env, "restore", str(archive), check=False)
    assert done.returncode == 1
    assert says in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


@sqlite_only
def test_restore_refuses_a_data_folder_that_holds_a_site_and_changes_nothing(
    tmp_path: Path, backup_file: Path
):
    env, _, _ = seed_site(tmp_path / "other")
    before = snapshot(tmp_path / "other")
    refused(env, backup_file, "already holds a site")
    assert snapshot(tmp_path / "other") == before


@sqlite_only
def test_restore_refuses_a_data_folder_with_media_and_changes_nothing(tmp_path: Path, backup_file: Path):
    target = tmp_path / "other"
    (target / "media").mkdir(parents=True)
    (target / "media" / "mine.jpg").write_bytes(b"someone's photo")
    env = site_env(target, free_port())
    refused(env, backup_file, "is not empty")
    assert (target / "media" / "mine.jpg").read_bytes() == b"someone's photo"
    assert not (target / "sampan.sqlite3").exists()


@sqlite_only
def test_restore_refuses_a_cut_short_archive_before_touching_anything(tmp_path: Path, backup_file: Path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(backup_file.read_bytes()[: backup_file.stat().st_size // 2])
    refused(site_env(tmp_path / "new", free_port()), cut, "is damaged")
    assert not (tmp_path / "new").exists()


@sqlite_only
def test_restore_refuses_an_archive_whose_file_does_not_match_its_checksum(tmp_path: Path, backup_file: Path):
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(backup_file) as source, tarfile.open(altered, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "media/note.txt":
                data = b"KEPT"  # same size, other bytes: only the checksum tells
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    refused(site_env(tmp_path / "new", free_port()), altered, "media/note.txt does not match its checksum")
    assert not (tmp_path / "new").exists()


@sqlite_only
def test_restore_refuses_a_backup_of_another_database_engine(tmp_path: Path, backup_file: Path):
    other = tmp_path / "postgres.tar.gz"
    dump = b"PGDMP pretend"
    manifest = {
        "format": 1, "sampan_version": "0.1.0", "engine": "postgresql", "created_at": "2026-01-01T00:00:00+00:00",
        "files": [{"name": "database/sampan.pgdump", "size": len(dump), "sha256": hashlib.sha256(dump).hexdigest()}],
    }  # fmt: skip
    with tarfile.open(other, "w:gz") as out:
        for name, data in (
            ("database/sampan.pgdump", dump),
            ("manifest.json", json.dumps(manifest).encode()),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    target = tmp_path / "new"
    target.mkdir()
    refused(site_env(target, free_port()), other, "holds a postgresql database and this site uses sqlite")
    assert not (target / "sampan.sqlite3").exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (the suite's second run)")
def test_a_postgresql_site_goes_through_pg_dump_and_comes_back_in_a_fresh_database(tmp_path: Path):
    import uuid

    import psycopg

    base = os.environ["DATABASE_URL"]
    names = [f"sampan_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "target")]
    admin = psycopg.connect(base, autocommit=True)
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        source_url, target_url = (base.rsplit("/", 1)[0] + f"/{name}" for name in names)
        env = {**site_env(tmp_path / "site", free_port()), "DATABASE_URL": source_url}
        sampan(env, "migrate", "-v0")
        sampan(env, "demo")
        answer = sampan(env, "backup", str(tmp_path / "pg.tar.gz"))
        assert "database" in answer.stdout
        with tarfile.open(tmp_path / "pg.tar.gz") as tar:
            assert "database/sampan.pgdump" in tar.getnames()
        restored_env = {**site_env(tmp_path / "restored", free_port()), "DATABASE_URL": target_url}
        sampan(restored_env, "restore", str(tmp_path / "pg.tar.gz"))
        query = "SELECT title, slug, status FROM blog_post ORDER BY id"
        comments = "SELECT body, status FROM comments_comment ORDER BY id"
        with psycopg.connect(source_url) as a, psycopg.connect(target_url) as b:
            assert a.execute(query).fetchall() == b.execute(query).fetchall() != []
            assert a.execute(comments).fetchall() == b.execute(comments).fetchall() != []
        secret = (tmp_path / "site" / "secret_key").read_text()
        assert (tmp_path / "restored" / "secret_key").read_text() == secret
        refused(restored_env, tmp_path / "pg.tar.gz", "already holds a site")
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_sqlite_file_of_a_restored_site_passes_its_integrity_check(tmp_path: Path, backup_file: Path):
    if ON_POSTGRES:
        pytest.skip("the SQLite run covers SQLite sites")
    sampan(site_env(tmp_path / "new", free_port()), "restore", str(backup_file))
    with sqlite3.connect(tmp_path / "new" / "sampan.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@sqlite_only
def test_backup_of_a_site_never_started_fails_with_one_clear_line(tmp_path: Path):
    done = sampan(
        site_env(tmp_path / "nothing", free_port()), "backup", str(tmp_path / "b.tar.gz"), check=False
    )
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == f"sampan: backup failed: there is no database at {tmp_path / 'nothing' / 'sampan.sqlite3'} (has the site been started?)"
    )
    assert not list(tmp_path.glob("*.tar.gz")) and not list(tmp_path.glob(".*"))


def test_without_pg_dump_on_the_path_the_error_says_what_to_install(monkeypatch, tmp_path: Path):
    from sampan.core import backup_database

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        backup_database.DatabaseError, match="pg_dump was not found on PATH; install PostgreSQL's client"
    ):
        backup_database._run_postgres_tool("pg_dump", "--version")
