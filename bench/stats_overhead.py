"""What counting costs: page throughput with stats on vs off in the same run, and the daily roll-up over a large
synthetic raw table.

    .venv/bin/python bench/stats_overhead.py [--duration 10] [--rounds 3] [--raw-views 1000000] [--skip-http]

`bench/run.py` runs this too, after its own targets (same data folder, same options).

1. Throughput: two `sampan serve` on the same demo site, one with `SAMPAN_STATS=off`, both with the page cache on
   (the path every reader takes) and both with the embedded worker (which flushes the spool and refreshes
   counters on pages, as in production). wrk asks for a post page with a browser's headers (user agent,
   `Accept`, `Accept-Language`) from a Lua script, so every request is counted: the worst case for "on".
   Alternating rounds; the ratio is taken per round pair, then the median. Target: on ≥ 95% of off.
   The same pair with the page cache off (every request rendered) shows the cost against a slower page.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    parser.add_argument("--raw-views", type=int, default=1_000_000, help="synthetic raw views (default 1e6)")
    parser.add_argument("--skip-http", action="store_true", help="only the aggregation benchmark")
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
    script = work / "browser.lua"
    script.write_text(BROWSER_LUA)

    def start(name: str, extra: dict[str, str], *flags: str) -> str:
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
        servers.append(subprocess.Popen(command, env={**env, **extra}, cwd=ROOT, stdout=log, stderr=log))
        url = f"http://127.0.0.1:{port}{path}"
        base.wait_until_up(url, servers[-1], work / f"{name}.log")
        base.fetch(url)
        return url

    targets = {
        "cached, stats on": start("on", {}),
        "cached, stats off": start("off", {"SAMPAN_STATS": "off"}),
        "cached, stats on, no worker": start("on-no-worker", {}, "--no-worker"),
        "uncached, stats on": start("on-uncached", {"SAMPAN_PAGE_CACHE_SECONDS": "0"}, "--no-worker"),
        "uncached, stats off": start("off-uncached", {"SAMPAN_PAGE_CACHE_SECONDS": "0", "SAMPAN_STATS": "off"}, "--no-worker"),
    }  # fmt: skip
    rounds: dict[str, list[dict]] = {name: [] for name in targets}
    for url in targets.values():
        wrk(url, options, script, duration=2)  # warm up
    names = list(targets)
    for number in range(options.rounds):
        for name in names if number % 2 == 0 else reversed(names):
            result = wrk(targets[name], options, script, duration=options.duration)
            rounds[name].append(result)
            print(
                f"round {number + 1}: {name:<20} {result['rps']:>9.0f} req/s  p99 {result['p99_ms']:.2f} ms",
                flush=True,
            )
    ratios = {}
    for kind in ("cached", "uncached"):
        pairs = [
            on["rps"] / off["rps"]
            for on, off in zip(rounds[f"{kind}, stats on"], rounds[f"{kind}, stats off"], strict=True)
        ]
        ratios[kind] = statistics.median(pairs)
        verdict = "met" if ratios[kind] >= RATIO_TARGET else "MISSED"
        print(f"stats on / off ({kind}): {ratios[kind]:.1%}  target ≥ {RATIO_TARGET:.0%}: {verdict}")
    pairs = [
        on["rps"] / off["rps"]
        for on, off in zip(rounds["cached, stats on, no worker"], rounds["cached, stats off"], strict=True)
    ]
    ratios["cached, request path only"] = statistics.median(pairs)
    print(f"stats on without the worker / off (cached): {ratios['cached, request path only']:.1%}")
    in_process = {
        "cached": measure_in_process(env, path, "cached"),
        "cached, a new reader each request": measure_in_process(
            env, path, "cached, a new reader each request", distinct=True
        ),
        "uncached": measure_in_process({**env, "SAMPAN_PAGE_CACHE_SECONDS": "0"}, path, "uncached", n=2000),
    }
    counted = count_spooled_and_flushed(env)
    print(f"views counted by the 'on' servers (spooled or flushed): {counted}")
    return {"rounds": rounds, "ratios": ratios, "views_counted": counted, "in_process": in_process}


IN_PROCESS = """
import io, statistics, sys, time
import django
django.setup()
from sampan.wsgi import application
path, n, distinct = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "distinct"
environ = {
    "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
    "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "203.0.113.7", "wsgi.url_scheme": "http",
    "wsgi.errors": sys.stderr, "HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "en-NZ",
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
}
agents = [environ["HTTP_USER_AGENT"] + (f" r{i}" if distinct else "") for i in range(n)]
def ask(i=0):
    started = []
    env = {**environ, "wsgi.input": io.BytesIO(b""), "HTTP_USER_AGENT": agents[i]}
    body = b"".join(application(env, lambda s, h, e=None: started.append(s)))
    return started[0]
assert ask().startswith("200") and ask().startswith("200")
costs = {True: [], False: []}
for stats in (True, False) * 5:
    application.enabled = stats
    began = time.process_time()
    for i in range(n):
        ask(i)
    costs[stats].append((time.process_time() - began) / n * 1e6)
on, off = statistics.median(costs[True]), statistics.median(costs[False])
print(f"{on:.1f} {off:.1f}")
"""


def measure_in_process(
    env: dict[str, str], path: str, label: str, n: int = 20000, *, distinct: bool = False
) -> dict:
    """CPU time per request, calling the WSGI stack directly: less at the mercy of the machine's load.
    `distinct`: every request from another reader (its own user agent), so no per-reader memo helps."""
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
        f"in-process CPU per {label} request: {on:.1f} µs with counting, {off:.1f} µs without ({off / on:.1%})"
    )
    return {"on_us": on, "off_us": off, "ratio": off / on}


def wrk(url: str, options: argparse.Namespace, script: Path, duration: int) -> dict:
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
