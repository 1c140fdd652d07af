"""What counting costs: page throughput with stats on vs off in the same run, and the daily roll-up over a large
synthetic raw table.

    .venv/bin/python bench/stats_overhead.py [--pairs 30] [--pair-seconds 2] [--switch-rounds 60] [--duration 10]
                                             [--rounds 3] [--raw-views 1000000] [--skip-http] [--target-only]

`bench/run.py` runs this too, after its own targets (same data folder, same options).

1. Throughput: two `sampan serve`, each on its own copy of the demo site, one with `SAMPAN_STATS=off`, both
   with the page cache on (the path every reader takes) and both with the embedded worker (which flushes the
   spool and refreshes counters on pages, as in production). wrk asks for a post page with a browser's headers
   (user agent, `Accept`, `Accept-Language`) from a Lua script, so every request is counted. One reader asking again and
   again: the flush writes their alike views as one row with a count. The same pair again with a new reader on
   every request (its own address, through `X-Forwarded-For`): every view its own hash and raw row, the worst
   case for the worker.
   The target, cached pages with counting on ≥ 95% of off: `--pairs` short rounds (`--pair-seconds`), each
   measuring "on", "off" and a second "off" server on a copy of its own, in turns; a round's ratio is "on"
   over the mean of the two "off", and the median of the rounds counts, with a 95% interval. The two "off"
   servers against each other show how far identical servers differ on the machine (its noise). Measured
   once the servers and their workers have finished starting.
   The same target on one server (`--switch-rounds`, `bench/counting_switch.py`): counting switched on and off
   while it runs, so nothing of where two servers' memory and processes landed is measured.
   The other figures, in `--rounds` alternating rounds of `--duration` s: the new-reader pair, "on" without
   the worker, and the pair with the page cache off (every request rendered: the cost against a slower page).
2. Aggregation: `--raw-views` synthetic raw views over 14 days (500 pages, a few hundred thousand visitors a day,
   referrers, feed fetches) in a fresh SQLite database; times `roll_up()`, which rolls up every day and deletes
   the raw rows older than SAMPAN_STATS_RAW_DAYS (7), and reports the raw table before and after.
   Target: under a minute for 10 million views.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run as base  # noqa: E402

RATIO_TARGET = 0.95
ROLLUP_TARGET_SECONDS = 60.0
BROWSER_LUA = """
wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
wrk.headers["Accept"] = "text/html,application/xhtml+xml"
wrk.headers["Accept-Language"] = "en-NZ,en;q=0.8"
wrk.headers["Referer"] = "https://www.example.org/a/link/to/us"
"""
# A new reader on every request, as a proxy on this machine reports them (`X-Forwarded-For`, believed from a
# loopback peer): each its own address, so its own visitor hash and raw row; the browser is the same, as most
# readers' browsers are among a few hundred. Nothing alike to share a row: the worst case for the worker.
MANY_READERS_LUA = (
    BROWSER_LUA
    + """
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local n = 0
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = "10." .. (id * 64 + math.floor(n / 65536) % 64) .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
  return wrk.format()
end
"""
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of the other figures (default 3)"
    )
    parser.add_argument(
        "--pairs", type=int, default=30, help="short alternating rounds of on vs off, the target (default 30)"
    )
    parser.add_argument("--pair-seconds", type=int, default=2, help="seconds per short round (default 2)")
    parser.add_argument(
        "--blocks", type=int, default=3, help="fresh servers for each block of rounds (default 3)"
    )
    parser.add_argument(
        "--switch-rounds",
        type=int,
        default=60,
        help="short rounds of one server with counting switched on and off (default 60; 0: skip)",
    )
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--raw-views", type=int, default=1_000_000, help="synthetic raw views (default 1e6)")
    parser.add_argument("--skip-http", action="store_true", help="only the aggregation benchmark")
    parser.add_argument("--target-only", action="store_true", help="only the on vs off target, cached pages")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sampan-stats-bench-"))
    servers: list[subprocess.Popen] = []
    try:
        results = {}
        if not options.skip_http:
            if not shutil.which("wrk"):
                print("bench: wrk not found; on Debian: apt-get install -y wrk", file=sys.stderr)
                return 1
            env, path = prepare_site(work)
            results["throughput"] = measure_throughput(options, work, env, path, servers)
        if not options.target_only:
            results["rollup"] = measure_rollup(options.raw_views, work / "rollup")
        save(results, options)
        return 0
    finally:
        for proc in servers:
            base.stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def run_with(
    options: argparse.Namespace, work: Path, env: dict[str, str], path: str, servers: list[subprocess.Popen]
) -> None:
    """Called by bench/run.py with its site, options and server list (it stops them)."""
    defaults = (
        ("pairs", 30),
        ("pair_seconds", 2),
        ("blocks", 3),
        ("switch_rounds", 60),
        ("target_only", False),
    )
    for name, default in defaults:
        if not hasattr(options, name):
            setattr(options, name, default)
    print("\nStats: counting on vs off …", flush=True)
    results = {
        "throughput": measure_throughput(options, work, env, path, servers),
        "rollup": measure_rollup(getattr(options, "raw_views", 1_000_000), work / "rollup"),
    }
    save(results, options)


def prepare_site(work: Path) -> tuple[dict[str, str], str]:
    env = {
        **os.environ,
        "SAMPAN_DATA_DIR": str(work / "data"),
        "SAMPAN_LOG_LEVEL": "WARNING",
        "SAMPAN_SITE_URL": "http://127.0.0.1",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "sampan.settings",
    }
    env.pop("DATABASE_URL", None)
    sampan = [sys.executable, "-m", "sampan.cli"]
    print("Preparing a demo site …", flush=True)
    subprocess.run([*sampan, "migrate", "--verbosity", "0"], env=env, check=True, cwd=work)
    subprocess.run([*sampan, "demo"], env=env, check=True, cwd=work, stdout=subprocess.DEVNULL)
    path = subprocess.run(
        [sys.executable, "-c", base.PICK_POST], env=env, check=True, cwd=work, capture_output=True, text=True
    ).stdout.strip()
    return env, path


def measure_throughput(
    options: argparse.Namespace, work: Path, env: dict[str, str], path: str, servers: list[subprocess.Popen]
) -> dict:
    """The target first (`measure_target`), then the other figures on servers of their own."""
    script = work / "browser.lua"
    script.write_text(BROWSER_LUA)
    many = work / "many-readers.lua"
    many.write_text(MANY_READERS_LUA)

    site = Path(env["SAMPAN_DATA_DIR"])
    spools: dict[str, Path] = {}
    pids: dict[str, int] = {}

    def start(name: str, extra: dict[str, str], *flags: str) -> str:
        # Each server on its own copy of the site: its own spool, so one server's views are never written by
        # another's worker, and a server started without one really has none.
        data = work / f"site-{name}"
        shutil.copytree(site, data, ignore=shutil.ignore_patterns("cache", "stats-spool"))
        spools[name] = data / "stats-spool"
        port = base.free_port()
        command = [
            sys.executable,
            "-m",
            "sampan.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(options.workers),
            *flags,
        ]
        log = (work / f"{name}.log").open("w")
        servers.append(
            subprocess.Popen(
                command, env={**env, "SAMPAN_DATA_DIR": str(data), **extra}, cwd=ROOT, stdout=log, stderr=log
            )
        )
        url = f"http://127.0.0.1:{port}{path}"
        base.wait_until_up(url, servers[-1], work / f"{name}.log")
        base.fetch(url)
        pids[name] = servers[-1].pid
        procs[name] = servers[-1]
        return url

    procs: dict[str, subprocess.Popen] = {}
    target = measure_target(options, start, procs, script)
    if options.switch_rounds:
        target["switched"] = measure_switched(options, work, env, path, script)
    if getattr(options, "target_only", False):
        return {"target": target}
    on, off = start("on", {}), start("off", {"SAMPAN_STATS": "off"})
    targets = {
        "cached, stats on": (on, script),
        "cached, stats off": (off, script),
        "cached, stats on, no worker": (start("on-no-worker", {}, "--no-worker"), script),
        "cached, many readers, stats on": (on, many),
        "cached, many readers, stats off": (off, many),
        "uncached, stats on": (start("on-uncached", {"SAMPAN_PAGE_CACHE_SECONDS": "0"}, "--no-worker"), script),
        "uncached, stats off": (start("off-uncached", {"SAMPAN_PAGE_CACHE_SECONDS": "0", "SAMPAN_STATS": "off"}, "--no-worker"), script),
    }  # fmt: skip
    for url, lua in targets.values():
        wrk(url, lua, options, duration=2)  # warm up
    wait_until_quiet(list(servers))
    rounds: dict[str, list[dict]] = {name: [] for name in targets}
    names = list(targets)
    for number in range(options.rounds):
        for name in names if number % 2 == 0 else reversed(names):
            spent = worker_cpu_seconds(pids["on"])
            result = wrk(*targets[name], options, duration=options.duration)
            settle(spools["on"])
            # The 'on' server's worker: CPU it spent on this run's views (flush and roll-up), per view.
            spent = worker_cpu_seconds(pids["on"]) - spent
            result["worker_us_per_view"] = spent / (result["rps"] * options.duration) * 1e6
            rounds[name].append(result)
            worker = f"  worker {result['worker_us_per_view']:.2f} µs/view" if targets[name][0] == on else ""
            print(
                f"round {number + 1}: {name:<32} {result['rps']:>9.0f} req/s  p99 {result['p99_ms']:.2f} ms{worker}",
                flush=True,
            )
    ratios = {"cached": target["ratio"]}
    for kind in ("cached, many readers", "uncached"):
        pairs = [
            on["rps"] / off["rps"]
            for on, off in zip(rounds[f"{kind}, stats on"], rounds[f"{kind}, stats off"], strict=True)
        ]
        ratios[kind] = statistics.median(pairs)
        print(f"stats on / off ({kind}): {ratios[kind]:.1%}")
    pairs = [
        on["rps"] / off["rps"]
        for on, off in zip(rounds["cached, stats on, no worker"], rounds["cached, stats off"], strict=True)
    ]
    ratios["cached, request path only"] = statistics.median(pairs)
    print(f"stats on without the worker / off (cached): {ratios['cached, request path only']:.1%}")
    for name in ("cached, stats on", "cached, many readers, stats on"):
        per_view = statistics.median(r["worker_us_per_view"] for r in rounds[name])
        print(f"worker CPU per view ({name}): {per_view:.2f} µs, median")
    # In-process, on the copy the "on" server served (its static files are collected).
    env = {**env, "SAMPAN_DATA_DIR": str(spools["on"].parent)}
    in_process = {
        "cached": measure_in_process(env, path, "cached"),
        "cached, a new reader each request": measure_in_process(
            env, path, "cached, a new reader each request", distinct=True
        ),
        "uncached": measure_in_process({**env, "SAMPAN_PAGE_CACHE_SECONDS": "0"}, path, "uncached", n=2000),
    }
    counted = count_spooled_and_flushed(env)
    print(f"views counted by the 'on' servers (spooled or flushed): {counted}")
    return {
        "target": target, "rounds": rounds, "ratios": ratios, "views_counted": counted, "in_process": in_process,
    }  # fmt: skip


def measure_target(
    options: argparse.Namespace, start: Callable[..., str], procs: dict[str, subprocess.Popen], script: Path
) -> dict:
    """The target, cached pages with counting on vs off, in many short rounds. The machine's speed drifts within
    seconds (two identical servers measured 10 s apart differ by up to 12 %), so each round compares servers
    measured a few seconds apart, in an order drawn anew each round, and the median of many rounds' ratios
    counts. The baseline of a round is the mean of two 'off' servers. A server also keeps a speed of its own
    for its life (where its memory and processes landed: up to 4 % between two identical ones), so the rounds
    are split into `--blocks`, each with three servers started afresh. A block starts once the servers and
    their workers have finished starting; the 'on' server's worker then writes the views whenever it would,
    during whichever run (what it costs is measured on its own below)."""
    names = ["cached, stats on", "cached, stats off", "cached, stats off, second copy"]
    settings = {names[0]: {}, names[1]: {"SAMPAN_STATS": "off"}, names[2]: {"SAMPAN_STATS": "off"}}
    rps: dict[str, list[float]] = {name: [] for name in names}
    blocks = max(1, min(options.blocks, options.pairs))
    print(
        f"Target: {options.pairs} short rounds of {options.pair_seconds} s, counting on vs off,"
        f" in {blocks} blocks of fresh servers …",
        flush=True,
    )
    order = random.Random(27)  # a new order every round: no server always runs first, or after another
    for block in range(blocks):
        started = {
            name: start(f"{short}-{block + 1}", settings[name])
            for name, short in zip(names, ("on", "off", "off-2"), strict=True)
        }
        for url in started.values():
            wrk(url, script, options, duration=1)  # warm up
        block_procs = [procs[f"{short}-{block + 1}"] for short in ("on", "off", "off-2")]
        wait_until_quiet(block_procs)
        for _ in range(options.pairs // blocks + (block < options.pairs % blocks)):
            for name in order.sample(names, len(names)):
                rps[name].append(wrk(started[name], script, options, duration=options.pair_seconds)["rps"])
        for proc in block_procs:
            base.stop(proc)
    on, off, off_2 = (rps[name] for name in names)
    ratios = [a / ((b + c) / 2) for a, b, c in zip(on, off, off_2, strict=True)]
    noise = [c / b for b, c in zip(off, off_2, strict=True)]
    ratio, (low, high) = statistics.median(ratios), bootstrap_interval(ratios)
    summed = sum(on) / (sum(off) + sum(off_2)) * 2
    verdict = "met" if ratio >= RATIO_TARGET else "MISSED"
    print(
        f"stats on / off (cached): {ratio:.1%} median of {len(ratios)} rounds (95% interval {low:.1%} to {high:.1%};"
        f" all requests: {summed:.1%})  target ≥ {RATIO_TARGET:.0%}: {verdict}"
    )
    noise_median, (noise_low, noise_high) = statistics.median(noise), bootstrap_interval(noise)
    print(
        f"two identical 'off' servers (the machine's noise): {noise_median:.1%}"
        f" (95% interval {noise_low:.1%} to {noise_high:.1%})"
    )
    return {
        "rps": rps, "ratio": ratio, "interval": [low, high], "all_requests_ratio": summed,
        "off_vs_off": noise_median, "off_vs_off_interval": [noise_low, noise_high],
    }  # fmt: skip


def measure_switched(
    options: argparse.Namespace, work: Path, env: dict[str, str], path: str, script: Path
) -> dict:
    """The target again on one server, counting switched on and off while it runs (`bench/counting_switch.py`):
    no second server, so nothing of where two servers' memory and processes landed. Rounds of "on", "off" and
    "off" again, in an order drawn anew each round; the two "off" against each other show the noise left. Its
    worker runs throughout and writes the views of "on" rounds during whichever round comes next, so about
    half of the worker's cost lands on "off": this measures the request path, the three-server target the whole."""
    from sampan.cli import server_command

    flag = work / "counting-on"
    data = work / "site-switched"
    shutil.copytree(Path(env["SAMPAN_DATA_DIR"]), data, ignore=shutil.ignore_patterns("cache", "stats-spool"))
    env = {**env, "SAMPAN_DATA_DIR": str(data), "SAMPAN_BENCH_COUNTING_FLAG": str(flag)}
    # What `sampan serve` does before it starts the server: migrate, collect static files.
    subprocess.run(
        [sys.executable, "-c", "from sampan.cli import prepare; prepare()"], env=env, cwd=ROOT, check=True
    )
    port = base.free_port()
    log = (work / "switched.log").open("w")
    app = "bench.counting_switch:application"
    server = subprocess.Popen(server_command(app, host="127.0.0.1", port=port, workers=options.workers), env=env, cwd=ROOT, stdout=log, stderr=log)  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-m", "sampan.cli", "worker"], env=env, cwd=ROOT, stdout=log, stderr=log)  # fmt: skip
    names = ["on", "off", "off again"]
    rps: dict[str, list[float]] = {name: [] for name in names}
    print(
        f"Target on one server: {options.switch_rounds} rounds of {options.pair_seconds} s, counting switched …"
    )
    try:
        url = f"http://127.0.0.1:{port}{path}"
        base.wait_until_up(url, server, work / "switched.log")
        for counting in (True, False):  # warm up both ways
            flag.touch() if counting else flag.unlink()
            wrk(url, script, options, duration=1)
        wait_until_quiet([server, worker])
        order = random.Random(28)
        for _ in range(options.switch_rounds):
            for name in order.sample(names, len(names)):
                flag.touch() if name == "on" else flag.unlink(missing_ok=True)
                time.sleep(0.05)  # the switch is looked at every 10 ms
                rps[name].append(wrk(url, script, options, duration=options.pair_seconds)["rps"])
    finally:
        base.stop(server)
        base.stop(worker)
    on, off, off_again = (rps[name] for name in names)
    ratios = [a / ((b + c) / 2) for a, b, c in zip(on, off, off_again, strict=True)]
    noise = [c / b for b, c in zip(off, off_again, strict=True)]
    ratio, (low, high) = statistics.median(ratios), bootstrap_interval(ratios)
    noise_median, (noise_low, noise_high) = statistics.median(noise), bootstrap_interval(noise)
    summed = sum(on) / (sum(off) + sum(off_again)) * 2
    print(
        f"one server, counting on / off (cached): {ratio:.1%} median of {len(ratios)} rounds (95% interval"
        f" {low:.1%} to {high:.1%}; all requests: {summed:.1%})\n"
        f"the same server 'off' twice (the noise left): {noise_median:.1%} (95% interval {noise_low:.1%} to"
        f" {noise_high:.1%})",
        flush=True,
    )
    return {
        "rps": rps, "ratio": ratio, "interval": [low, high], "all_requests_ratio": summed,
        "off_vs_off": noise_median, "off_vs_off_interval": [noise_low, noise_high],
    }  # fmt: skip


def bootstrap_interval(values: list[float], draws: int = 4000) -> tuple[float, float]:
    """A 95% interval for the median of `values`, by resampling them (seeded: the same data, the same answer)."""
    pick = random.Random(8)
    medians = sorted(statistics.median(pick.choices(values, k=len(values))) for _ in range(draws))
    return medians[int(draws * 0.025)], medians[int(draws * 0.975) - 1]


def wait_until_quiet(servers: list[subprocess.Popen], limit: float = 90.0) -> None:
    """Wait until the servers and their workers have finished starting (a worker's first tasks and roll-up take
    a few seconds of CPU): until they use under 5% of one core for two seconds in a row."""
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu_seconds() -> float:
        total = 0
        for pid in _process_tree([proc.pid for proc in servers]):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / ticks

    deadline, quiet = time.monotonic() + limit, 0
    while quiet < 2 and time.monotonic() < deadline:
        before = cpu_seconds()
        time.sleep(1)
        quiet = quiet + 1 if cpu_seconds() - before < 0.05 else 0


def _process_tree(pids: list[int]) -> list[int]:
    found = list(pids)
    for pid in pids:
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                found += _process_tree([int(child) for child in children.read_text().split()])
            except FileNotFoundError:
                continue
    return found


IN_PROCESS = """
import io, statistics, sys, time
import django
django.setup()
from sampan.stats.recorder import count_view
from sampan.wsgi import application
path, n, distinct = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "distinct"
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "203.0.113.7", "wsgi.url_scheme": "http",
    "wsgi.errors": sys.stderr, "HTTP_ACCEPT": "text/html,application/xhtml+xml", "HTTP_ACCEPT_LANGUAGE": "en-NZ",
    "HTTP_REFERER": "https://www.example.org/a/link/to/us",
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
}
def fresh(i):
    # New string objects, as a server makes for every request: their hashes are not cached yet (reusing one
    # environ's strings made counting look cheaper than it is).
    env = {"".join(list(k)): "".join(list(v)) for k, v in environ.items() if isinstance(v, str)}
    env["wsgi.input"], env["wsgi.errors"] = io.BytesIO(b""), sys.stderr
    if distinct:
        env["HTTP_USER_AGENT"] += f" r{i}"
    return env
def ask(env):
    started = []
    b"".join(application(env, lambda s, h, e=None: started.append(s)))
    return started[0]
assert ask(fresh(0)).startswith("200") and ask(fresh(0)).startswith("200")
costs = {True: [], False: []}
clock = time.perf_counter_ns
for stats in (True, False) * 5:
    application.count = count_view if stats else None
    spent = 0
    for i in range(n):
        env = fresh(i)  # made just before, as a server does: in the processor's cache, as a server's would be
        began = clock()
        ask(env)
        spent += clock() - began
    costs[stats].append(spent / n / 1000)
on, off = statistics.median(costs[True]), statistics.median(costs[False])
print(f"{on:.1f} {off:.1f}")
"""


def measure_in_process(
    env: dict[str, str], path: str, label: str, n: int = 20000, *, distinct: bool = False
) -> dict:
    """Time per request on one thread, calling the WSGI stack directly (no network, no other thread): less at
    the mercy of the machine's load. Each request's environ is made just before it, so it is still in the
    processor's cache, as a server's is; views waiting for their batch are written in some of the requests, as
    in a server. `distinct`: every request from another reader (its own user agent), so no per-reader memo
    helps."""
    done = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, path, str(n), "distinct" if distinct else "same"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: the in-process measurement failed:\n{done.stderr[-2000:]}")
    on, off = (float(x) for x in done.stdout.split())
    print(
        f"in-process time per request ({label}): {on:.1f} µs with counting, {off:.1f} µs without"
        f" ({off / on:.1%})"
    )
    return {"on_us": on, "off_us": off, "ratio": off / on}


def worker_cpu_seconds(serve_pid: int) -> float:
    """CPU time used so far by the worker process `sampan serve` started (Linux: from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    for children in Path(f"/proc/{serve_pid}/task").glob("*/children"):
        for pid in children.read_text().split():
            if b"worker" in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    raise SystemExit("bench: the 'on' server's worker process was not found")


def settle(spool: Path, limit: float = 60.0) -> None:
    """Wait until the 'on' server's worker has written every view it was given: the next run starts on a quiet
    machine, not while the worker writes the last run's views (which would count against whatever runs next)."""
    deadline = time.monotonic() + limit
    while any(spool.glob("*.views")) and time.monotonic() < deadline:
        time.sleep(0.5)


def wrk(url: str, script: Path, options: argparse.Namespace, duration: int) -> dict:
    command = [
        "wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{duration}s", "--latency",
        "-s", str(script), url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"bench: wrk failed on {url}: {done.stderr.strip() or done.stdout.strip()}")
    return _parse(done.stdout)


def _parse(out: str) -> dict:
    import re

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    return {"rps": rps, "p50_ms": base.to_ms(latency["50"]), "p99_ms": base.to_ms(latency["99"])}


def count_spooled_and_flushed(env: dict[str, str]) -> int:
    code = (
        "import django; django.setup()\n"
        "from sampan.stats.models import Counter\n"
        "from sampan.stats import spool\n"
        "flushed = Counter.objects.filter(name='hits').values_list('value', flat=True).first() or 0\n"
        "waiting = sum(len(p.read_bytes().splitlines()) for p in spool.closed_files(grace=-1))\n"
        "print(flushed + waiting)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def set_up_stats_site(folder: Path) -> None:
    """Django in this process on a fresh, migrated SQLite site in `folder`, keeping raw views 7 days."""
    os.environ.update(
        {
            "SAMPAN_DATA_DIR": str(folder),
            "DJANGO_SETTINGS_MODULE": "sampan.settings",
            "SAMPAN_STATS_RAW_DAYS": "7",
        }
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def measure_rollup(raw_views: int, folder: Path) -> dict:
    """In this process: a fresh SQLite database, `raw_views` synthetic rows, then one timed roll-up."""
    folder.mkdir(parents=True)
    set_up_stats_site(folder)
    from sampan.stats.models import View
    from sampan.stats.rollup import roll_up

    first_day = date(2026, 1, 1)
    started = time.perf_counter()
    fill_raw_views(raw_views, first_day, days=14)
    filled = time.perf_counter() - started
    before = View.objects.count()
    print(
        f"Aggregation: {before:,} raw views over 14 days written in {filled:.1f}s; rolling up …", flush=True
    )
    started = time.perf_counter()
    report = roll_up(today=first_day + timedelta(days=13))
    seconds = time.perf_counter() - started
    after = View.objects.count()
    verdict = "met" if seconds < ROLLUP_TARGET_SECONDS * raw_views / 10_000_000 else "MISSED"
    print(
        f"roll-up of {report.days} days: {seconds:.1f}s in all ({before / seconds:,.0f} views/s): "
        f"aggregating {report.rolling_seconds:.1f}s, deleting old raw views {report.pruning_seconds:.1f}s; "
        f"raw table {before:,} → {after:,} rows (older than 7 days deleted). Target for this size "
        f"< {ROLLUP_TARGET_SECONDS * raw_views / 10_000_000:.1f}s: {verdict}"
    )
    return {
        "raw_views": before, "seconds": seconds, "aggregating_seconds": report.rolling_seconds,
        "pruning_seconds": report.pruning_seconds, "raw_after": after, "days": report.days, "fill_seconds": filled,
    }  # fmt: skip


def fill_raw_views(total: int, first_day: date, *, days: int) -> None:
    """Rows as the flush writes them, straight into the table in big batches (the fill is not what we time)."""
    from django.db import connection, transaction

    from sampan.stats.models import View

    rng = random.Random(8)
    pages = [
        f"/2025/{m:02d}/{d:02d}/post-{n}/"
        for n, (m, d) in enumerate((rng.randint(1, 12), rng.randint(1, 28)) for _ in range(500))
    ]
    weights = [1 / (rank + 1) for rank in range(len(pages))]  # a few posts get most of the views
    referrers = [
        "",
        "",
        "",
        "",
        "google.com",
        "duckduckgo.com",
        "bing.com",
        "news.ycombinator.com",
        "friend.example",
    ]
    table = View._meta.db_table
    sql = f'INSERT INTO "{table}" (day, kind, path, referrer, visitor, source, subscribers) VALUES (%s, %s, %s, %s, %s, %s, %s)'  # noqa: S608
    per_day = total // days
    indexes = [index.name for index in View._meta.indexes]
    with connection.cursor() as cursor:
        for name in indexes:  # a bulk load is much faster into a bare table, with the indexes built after
            cursor.execute(f'DROP INDEX "{name}"')
        for offset in range(days):
            day = (first_day + timedelta(days=offset)).isoformat()
            count = per_day if offset < days - 1 else total - per_day * (days - 1)
            done = 0
            while done < count:
                size = min(50_000, count - done)
                paths = rng.choices(pages, weights, k=size)
                rows: list[tuple] = []
                for i in range(size):
                    if i % 50 == 0:
                        rows.append(
                            (
                                day,
                                "f",
                                "/feed/",
                                "",
                                rng.randrange(1, 5000),
                                "Feedly" if i % 100 == 0 else "",
                                120 if i % 100 == 0 else None,
                            )
                        )
                    else:
                        visitor = None if i % 40 == 0 else rng.randrange(300_000)
                        rows.append((day, "p", paths[i], rng.choice(referrers), visitor, "", None))
                with transaction.atomic():
                    cursor.executemany(sql, rows)
                done += size
    with connection.schema_editor() as editor:
        for index in View._meta.indexes:
            editor.add_index(View, index)


def save(results: dict, options: argparse.Namespace) -> None:
    base.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = base.RESULTS / f"stats-{stamp}.json"
    out.write_text(
        json.dumps({"when": stamp, "cores": os.cpu_count(), "options": vars(options), **results}, indent=2)
    )
    print(f"results: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
