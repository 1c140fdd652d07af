"""The spool: counted views wait in small files until the worker writes them to the database in one go.

Each server process appends its views to its own file for the current time slot (SLOT_SECONDS), a batch of
lines per `write()` with O_APPEND (at least once a second): no database, no lock shared between processes. A
server process killed outright loses at most the last second of its views. A slot's files are complete once the
slot is over; the worker reads and deletes them (`closed_files`). Files left by a stopped server are taken on
the next flush, so a restart loses nothing.

A line: day, kind, path, referrer domain, visitor hash (hex, or empty), feed source, subscribers; tab-separated.
"""

import atexit
import logging
import os
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings

SLOT_SECONDS = 5
SUFFIX = ".views"
BATCH = 64
DRAIN_SECONDS = 1.0
log = logging.getLogger(__name__)
_tick = threading.Event()  # never set: a sleep the drain thread can take without holding anything


def folder() -> Path:
    return Path(settings.STATS_SPOOL_DIR)


class SpoolWriter:
    """Lines wait in memory and go to the file in one write() per BATCH lines, or within DRAIN_SECONDS (a
    small thread per process), or at exit: a view costs a list append, not a system call."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[bytes] = []
        self.pending_slot = -1
        self.fd = -1
        self.fd_slot = -1
        self.pid = -1

    def write(self, line: bytes) -> None:
        slot = int(time.time() // SLOT_SECONDS)
        with self.lock:
            if self.pid != os.getpid():
                self._start_in_this_process()
            if slot != self.pending_slot:
                self._drain()
                self.pending_slot = slot
            self.pending.append(line)
            if len(self.pending) >= BATCH:
                self._drain()

    def drain(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                self._drain()

    def reset(self) -> None:
        """Write what waits and close the file, so the next view opens one in the (perhaps new) folder."""
        with self.lock:
            if self.pid == os.getpid():
                self._drain()
                if self.fd >= 0:
                    os.close(self.fd)
            self.fd, self.fd_slot, self.pending_slot = -1, -1, -1

    def _start_in_this_process(self) -> None:
        # A forked server process starts afresh: what its parent had waiting is the parent's to write.
        self.pending, self.fd, self.fd_slot, self.pid = [], -1, -1, os.getpid()
        threading.Thread(target=self._drain_now_and_then, name="sampan-stats-spool", daemon=True).start()
        atexit.register(self.drain)

    def _drain_now_and_then(self) -> None:
        pid = os.getpid()
        while self.pid == pid:
            _tick.wait(DRAIN_SECONDS)
            try:
                self.drain()
            except OSError:
                log.exception("Stats: could not write to the spool")

    def _drain(self) -> None:
        if not self.pending:
            return
        if self.fd_slot != self.pending_slot:
            if self.fd >= 0:
                os.close(self.fd)
            where = folder()
            where.mkdir(parents=True, exist_ok=True)
            name = f"{self.pending_slot:012d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"
            self.fd = os.open(where / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.fd_slot = self.pending_slot
        data, self.pending = b"".join(self.pending), []
        os.write(self.fd, data)


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
