"""Running Sampan for real in other processes: `sampan serve` on a free port, with its own data folder."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sampan_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a separate Sampan: production settings, SQLite in `data_dir`."""
    env = {
        **os.environ,
        "SAMPAN_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "sampan.settings",
        **extra,
    }
    env.pop("DATABASE_URL", None)
    return env


def start_serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """`sampan serve`, returned once it prints that it is serving (migrated and answering): no polling."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sampan.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if "serving" in line:
            break
    # Keep reading what it logs, so a full pipe never stalls the server.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Wait until `condition()` holds, checking every 20 ms; fail naming `what` after `seconds` (a deadline
    against a hung process, never a timing assertion). For state another process changes, with no event to
    wait on."""
    deadline = time.monotonic() + seconds
    pause = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        pause.wait(0.02)
