"""The whole site in one file, and back: the database, the media folder and the generated secret key.

A backup is a tar.gz: `manifest.json` (Sampan's version, the database engine, when it was made, and each file's
size and SHA-256), `database/…`, `media/…` and `secret_key`. The page cache, static files and the stats spool
are never in it: each is made again by the site. The archive is written under a temporary name and renamed
when complete, so a failed backup never leaves a file that looks like one.

A restore reads the archive twice: once to check it whole (every checksum, nothing missing, nothing extra)
before anything is touched, once to put it in place. See docs/deploy.md ("Backups").
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

import sampan

FORMAT = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"  # noqa: S105 (the key file's name in the archive)
DATABASE_NAMES = {"sqlite": "database/sampan.sqlite3", "postgresql": "database/sampan.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """One line saying why a backup or restore did not happen."""


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    @property
    def files(self) -> dict[str, dict[str, Any]]:
        return {entry["name"]: entry for entry in self.data["files"]}

    @property
    def engine(self) -> str:
        return str(self.data["engine"])

    def summary(self) -> str:
        names = list(self.files)
        media = sum(1 for name in names if name.startswith("media/"))
        parts = ["database", f"{media} media file{'' if media == 1 else 's'}"]
        if SECRET_KEY in names:
            parts.append("secret key")
        return ", ".join(parts)


class _Hashing:
    """A file read through once: what tarfile copies is exactly what the checksum covers."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.digest = file, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def write_archive(
    destination: Path, *, engine: str, database: Path, media_root: Path, secret_key: Path
) -> Manifest:
    """Write the archive to `destination` (under a temporary name until it is whole)."""
    entries: list[dict[str, Any]] = []
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        # Owner-only from the first byte: it holds the secret key and every reader's email address.
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as file:
            with tarfile.open(fileobj=file, mode="w:gz", compresslevel=6) as tar:
                _add(tar, database, DATABASE_NAMES[engine], entries)
                for path in sorted(media_root.rglob("*")) if media_root.is_dir() else []:
                    if path.is_file() and not path.is_symlink():
                        _add(tar, path, f"media/{path.relative_to(media_root).as_posix()}", entries)
                if secret_key.is_file():
                    _add(tar, secret_key, SECRET_KEY, entries)
                manifest = Manifest(
                    {
                        "format": FORMAT,
                        "sampan_version": sampan.__version__,
                        "engine": engine,
                        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                        "files": entries,
                    }
                )
                raw = json.dumps(manifest.data, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(raw), int(datetime.now(UTC).timestamp()), 0o600
                tar.addfile(info, io.BytesIO(raw))
            file.flush()
            os.fsync(file.fileno())  # on disk before it takes the real name
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add(tar: tarfile.TarFile, path: Path, name: str, entries: list[dict[str, Any]]) -> None:
    with path.open("rb") as file:
        info = tar.gettarinfo(fileobj=file, arcname=name)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _Hashing(file)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    entries.append({"name": name, "size": info.size, "sha256": reader.digest.hexdigest()})


def read_manifest(archive: Path) -> Manifest:
    """The archive's manifest, after checking every file in it against it; BackupError when it is damaged."""
    manifest = None
    seen: dict[str, tuple[int, str]] = {}
    with _damage_said(archive):  # a file cut short shows only as its members are read
        for name, stream in _members(archive):
            if name == MANIFEST:
                manifest = _parse_manifest(stream.read())
            else:
                seen[name] = _measure(stream)
    if manifest is None:
        raise BackupError(f"{archive} is not a Sampan backup (it has no {MANIFEST})")
    _compare(manifest, seen)
    return manifest


def extract(archive: Path, manifest: Manifest, staging: Path) -> None:
    """Write each file of the (checked) archive under `staging`, checking each again as it is written."""
    seen: dict[str, tuple[int, str]] = {}
    with _damage_said(archive):
        for name, stream in _members(archive):
            if name == MANIFEST:
                continue
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("wb") as out:
                seen[name] = _measure(stream, out)
    _compare(manifest, seen)


def _members(archive: Path) -> Iterator[tuple[str, IO[bytes]]]:
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            name = _safe_name(member)
            stream = tar.extractfile(member)
            assert stream is not None  # _safe_name lets only regular files through
            yield name, stream


@contextlib.contextmanager
def _damage_said(archive: Path) -> Iterator[None]:
    try:
        yield
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(f"{archive} is damaged or not a backup ({error or 'it ends early'})") from error


def _safe_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"the archive holds an entry no Sampan backup has: {member.name!r}")
    return path.as_posix()


def _measure(stream: IO[bytes], out: IO[bytes] | None = None) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if out is not None:
            out.write(chunk)
    return size, digest.hexdigest()


def _parse_manifest(raw: bytes) -> Manifest:
    try:
        data = json.loads(raw)
        files = {entry["name"] for entry in data["files"]}
        missing = [key for key in ("engine", "format", "sampan_version", "created_at") if key not in data]
        if missing:
            raise KeyError(missing[0])
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"the backup's {MANIFEST} is unreadable ({error})") from error
    if int(data["format"]) > FORMAT:
        raise BackupError(
            f"this backup was made by a newer Sampan ({data['sampan_version']}); upgrade Sampan to restore it"
        )
    if data["engine"] not in DATABASE_NAMES or DATABASE_NAMES[data["engine"]] not in files:
        raise BackupError(f"the backup's {MANIFEST} names no database")
    return Manifest(data)


def _compare(manifest: Manifest, seen: dict[str, tuple[int, str]]) -> None:
    expected = manifest.files
    for name, entry in expected.items():
        if name not in seen:
            raise BackupError(f"the backup is damaged: {name} is missing")
        if seen[name] != (entry["size"], entry["sha256"]):
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
    extra = sorted(set(seen) - set(expected))
    if extra:
        raise BackupError(f"the backup is damaged: {extra[0]} is not in its manifest")


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.split(".")[:3])


def staging_dir(parent: Path) -> tempfile.TemporaryDirectory[str]:
    """Next to where the files go, so putting them in place is a rename, not a copy."""
    parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".sampan-restore-", dir=parent)


def move_tree(source: Path, target: Path) -> int:
    """Move every file under `source` to the same place under `target`; how many there were."""
    moved = 0
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)
            moved += 1
    return moved
