"""The spool: counted views wait in small files until the worker writes them to the database in one go.

Each server process appends one line per view to its own file for the current time slot (SLOT_SECONDS): one
`write()` with O_APPEND, no database, no lock shared between processes. A slot's files are complete once the
slot is over; the worker reads and deletes them (`closed_files`). Files left by a stopped server are taken on
the next flush, so a restart loses nothing.

A line: day, kind, path, referrer domain, visitor hash (hex, or empty), feed source, subscribers; tab-separated.
"""

import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings

SLOT_SECONDS = 5
SUFFIX = ".views"


def folder() -> Path:
    return Path(settings.STATS_SPOOL_DIR)


class SpoolWriter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.fd = -1
        self.slot = -1
        self.pid = -1

    def write(self, line: bytes) -> None:
        slot = int(time.time() // SLOT_SECONDS)
        with self.lock:
            if slot != self.slot or self.pid != os.getpid():
                self._open(slot)
            os.write(self.fd, line)

    def reset(self) -> None:
        """Close the current file, so the next view opens one in the (perhaps newly configured) folder."""
        with self.lock:
            if self.fd >= 0 and self.pid == os.getpid():
                os.close(self.fd)
            self.fd, self.slot, self.pid = -1, -1, -1

    def _open(self, slot: int) -> None:
        if self.fd >= 0 and self.pid == os.getpid():
            os.close(self.fd)
        where = folder()
        where.mkdir(parents=True, exist_ok=True)
        name = f"{slot:012d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"
        self.fd = os.open(where / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.slot, self.pid = slot, os.getpid()


writer = SpoolWriter()


def closed_files(*, grace: int = 1) -> list[Path]:
    """Files of slots that ended at least `grace` slots ago (0: every slot before the current one)."""
    where = folder()
    if not where.is_dir():
        return []
    current = int(time.time() // SLOT_SECONDS)
    found = []
    for entry in os.scandir(where):
        if (
            entry.name.endswith(SUFFIX)
            and entry.name[:12].isdigit()
            and int(entry.name[:12]) < current - grace
        ):
            found.append(Path(entry.path))
    return sorted(found)
