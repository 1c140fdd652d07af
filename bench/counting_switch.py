"""Sampan's WSGI application with counting switched on and off while it runs, for `bench/stats_overhead.py`.

Counting is on while the file named by SAMPAN_BENCH_COUNTING_FLAG exists. Comparing one server with itself
takes away what makes two identical servers differ on a busy machine (up to 8 % here): where their memory and
processes landed. Only for benchmarks: the production application (`sampan.wsgi`) has no such switch.
"""

import os
import threading
import time
from pathlib import Path

from sampan.wsgi import application

_counter = application.count
_flag = Path(os.environ["SAMPAN_BENCH_COUNTING_FLAG"])


def _follow_the_flag() -> None:
    while True:
        application.count = _counter if _flag.exists() else None
        time.sleep(0.01)


threading.Thread(target=_follow_the_flag, name="bench-counting-switch", daemon=True).start()
