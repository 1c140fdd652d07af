"""The worker's side of the stats: flush the spool every SAMPAN_STATS_FLUSH_SECONDS, roll up every
SAMPAN_STATS_ROLLUP_SECONDS, and flush once more when the worker stops. A thread beside the task worker, so no task row is queued per flush."""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

from .flush import flush_spool
from .rollup import roll_up

log = logging.getLogger(__name__)
_running: list[tuple[threading.Thread, threading.Event]] = []


def start() -> None:
    if _running or not settings.STATS_ENABLED:
        return
    stop_event = threading.Event()
    thread = threading.Thread(target=_loop, args=(stop_event,), name="sampan-stats", daemon=True)
    thread.start()
    _running.append((thread, stop_event))


def stop() -> None:
    """Stop the thread and write whatever the servers spooled (every finished slot)."""
    if _running:
        thread, stop_event = _running.pop()
        stop_event.set()
        thread.join(timeout=30)
    try:
        flush_spool(grace=0)
    except Exception:
        log.exception("Stats: the last flush failed; the spool files stay for the next start")


def _loop(stop_event: threading.Event) -> None:
    next_rollup = 0.0
    while not stop_event.is_set():
        try:
            flush_spool()
            if time.monotonic() >= next_rollup:
                roll_up()
                next_rollup = time.monotonic() + settings.STATS_ROLLUP_SECONDS
        except Exception:  # a bad moment (a locked database) must not end counting for the rest of the run
            log.exception("Stats: flush or roll-up failed; trying again")
        finally:
            close_old_connections()
        stop_event.wait(settings.STATS_FLUSH_SECONDS)
