"""The spool: counted views wait in small files until the worker writes them to the database in one go.

A server process keeps the views it counted in memory, as the few request fields counting needs with how many
alike views there were (`recorder`'s tally), and turns them into spool lines in batches: at least once a second
(a small thread per process), as soon as BATCH different views are waiting, and at exit. Only then are page
views told apart and visitor hashes made (`recorder.spool_lines`); the address never reaches the disk, only its
keyed hash does. Each process appends its lines to its own file for the current time slot (SLOT_SECONDS), one
`write()` with O_APPEND per batch: no database, no lock shared between processes. A server process killed outright loses at most the
last second of its views. A slot's files are complete once the slot is over; the worker reads and deletes them
(`closed_files`). Files left by a stopped server are taken on the next flush, so a restart loses nothing.

A line: day, kind, path, referrer domain, visitor hash (hex, or empty), feed source, subscribers, country (two
letters, or empty), how many such views; tab-separated. Older lines are read as one view each: eight fields
(written before counts) or seven (before countries, so without one).
"""

import atexit
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

SLOT_SECONDS = 5
SUFFIX = ".views"
BATCH = 512
DRAIN_SECONDS = 1.0
log = logging.getLogger(__name__)
_tick = threading.Event()  # never set: a sleep the drain thread can take without holding anything


def folder() -> Path:
    return Path(settings.STATS_SPOOL_DIR)


class SpoolWriter:
    """Writes what waits in a tally (`recorder`) to the spool: `take()` hands over what waits and empties the
    tally, `waiting()` says how many different views wait, `prepare` turns what was taken into lines; one
    write() per batch."""

    def __init__(
        self, take: Callable[[], Any], waiting: Callable[[], int], prepare: Callable[[Any], bytes]
    ) -> None:
        self.take, self.waiting, self.prepare = take, waiting, prepare
        self.lock = threading.Lock()  # one drain at a time: the thread's, a full batch's, or the exit's
        self.started = False
        self.fd = -1
        self.fd_slot = -1
        os.register_at_fork(after_in_child=self._forget_parent)

    def take_turn(self) -> None:
        """Called by the tally now and then (its first view, a new day, BATCH views waiting): start the drain
        thread if need be, and write a full batch (this request does it; others carry on, as one drain at a
        time is enough)."""
        if not self.started:
            self._start()
        if self.waiting() >= BATCH and self.lock.acquire(blocking=False):
            try:
                self._drain()
            finally:
                self.lock.release()

    def drain(self) -> None:
        with self.lock:
            self._drain()

    def _drain(self) -> None:
        taken = self.take()
        if taken:
            self._write(taken)

    def reset(self) -> None:
        """Write what waits and close the file, so the next view opens one in the (perhaps new) folder."""
        self.drain()
        with self.lock:
            if self.fd >= 0:
                os.close(self.fd)
            self.fd, self.fd_slot = -1, -1

    def _forget_parent(self) -> None:
        # A forked server process starts afresh: what its parent had waiting is the parent's to write.
        self.take()
        self.lock, self.started, self.fd, self.fd_slot = threading.Lock(), False, -1, -1

    def _start(self) -> None:
        with self.lock:
            if self.started:
                return
            self.started = True
        threading.Thread(target=self._drain_now_and_then, name="sampan-stats-spool", daemon=True).start()
        atexit.register(self.drain)

    def _drain_now_and_then(self) -> None:
        pid = os.getpid()
        while self.started and os.getpid() == pid:
            _tick.wait(DRAIN_SECONDS)
            try:
                self.drain()
            except Exception:
                log.exception("Stats: could not write to the spool")

    def _write(self, views: Any) -> None:
        data = self.prepare(views)
        if not data:
            return
        slot = int(time.time() // SLOT_SECONDS)
        if self.fd_slot != slot:
            if self.fd >= 0:
                os.close(self.fd)
            where = folder()
            where.mkdir(parents=True, exist_ok=True)
            name = f"{slot:012d}-{os.getpid()}-{uuid.uuid4().hex[:8]}{SUFFIX}"
            self.fd = os.open(where / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self.fd_slot = slot
        os.write(self.fd, data)


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
