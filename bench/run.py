"""Sampan's benchmark: one command, every figure measured in the same run, ratios against baselines.

    .venv/bin/python bench/run.py [--duration 10] [--rounds 3] [--connections 32] [--workers N]

What it does: makes a throw-away data folder, migrates it and seeds the demo, picks a post page, then starts
- `sampan serve` (the real production server) with the page cache on: "Sampan cached";
- a second `sampan serve --no-worker` with `SAMPAN_PAGE_CACHE_SECONDS=0`: every request renders the page,
  which is what a reader gets after an invalidation ("Sampan uncached");
- nginx serving the saved HTML of that page (the static baseline);
- bench/floor, the smallest Django app that shows the same post from the same database, under the same server
  and worker count as `sampan serve` (the framework's floor);
- for the server choice, the same Sampan app under gunicorn (sync workers) and under granian.
Then (unless `--followers 0`) the fan-out of one new post to N followers into a local SMTP server
(bench/followers_fanout.py, N=2000 by default).
Each target gets `wrk -t2 -c32 -d<N>s --latency`, in alternating rounds; the median round counts. It prints
req/s, p50 and p99 per target and the two ratios against their targets, and writes JSON to bench/results/.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CACHED_TARGET = 0.25  # cached page vs nginx serving the same HTML
UNCACHED_TARGET = 0.50  # uncached page vs the minimal Django floor

NGINX_CONF = """\
daemon off;
pid {dir}/nginx.pid;
worker_processes {workers};
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {dir}/tmp-body;
    proxy_temp_path {dir}/tmp-proxy;
    fastcgi_temp_path {dir}/tmp-fastcgi;
    uwsgi_temp_path {dir}/tmp-uwsgi;
    scgi_temp_path {dir}/tmp-scgi;
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


@dataclass
class Target:
    name: str
    url: str
    rounds: list[dict] = field(default_factory=list)

    def median(self, key: str) -> float:
        return statistics.median(r[key] for r in self.rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds; the median counts (default 3)"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: cores)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument("--only", default="", help="comma-separated target names to measure (default: all)")
    parser.add_argument(
        "--followers", type=int, default=2000,
        help="then the fan-out of one new post to N followers (bench/followers_fanout.py); 0 skips it",
    )  # fmt: skip
    parser.add_argument(
        "--import-posts", type=int, default=1000,
        help="posts (20 comments each) in the import-wxr benchmark (bench/import_wxr.py; default 1000)",
    )  # fmt: skip
    options = parser.parse_args()
    missing = [tool for tool in ("wrk", "nginx") if not shutil.which(tool)]
    if missing:
        print(
            f"bench: {' and '.join(missing)} not found; on Debian: apt-get install -y wrk nginx-light",
            file=sys.stderr,
        )
        return 1
    work = Path(tempfile.mkdtemp(prefix="sampan-bench-"))
    work.chmod(0o755)  # nginx workers drop root and must read the saved page
    servers: list[subprocess.Popen] = []
    try:
        code = run(options, work, servers)
        if code == 0 and options.followers:
            from bench import followers_fanout

            code = followers_fanout.main(["--followers", str(options.followers)])
        return code
    finally:
        for proc in servers:
            stop(proc)
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


def run(options: argparse.Namespace, work: Path, servers: list[subprocess.Popen]) -> int:
    from sampan.cli import server_command

    env = {
        **os.environ,
        "SAMPAN_DATA_DIR": str(work / "data"),
        "SAMPAN_LOG_LEVEL": "WARNING",
        "SAMPAN_SITE_URL": "http://127.0.0.1",  # pages are cached for the site's own host
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "sampan.settings",
    }
    uncached_env = {**env, "SAMPAN_PAGE_CACHE_SECONDS": "0"}
    sampan = [sys.executable, "-m", "sampan.cli"]
    print("Preparing a demo site …", flush=True)
    subprocess.run([*sampan, "migrate", "--verbosity", "0"], env=env, check=True, cwd=work)
    subprocess.run([*sampan, "demo"], env=env, check=True, cwd=work, stdout=subprocess.DEVNULL)
    path = subprocess.run(
        [sys.executable, "-c", PICK_POST], env=env, check=True, cwd=work, capture_output=True, text=True
    ).stdout.strip()
    workers = str(options.workers)

    def start(name: str, command: list[str], environment: dict[str, str]) -> str:
        port = free_port()
        command = [part.replace("{port}", str(port)) for part in command]
        log = (work / f"{name}.log").open("w")
        servers.append(subprocess.Popen(command, env=environment, cwd=ROOT, stdout=log, stderr=log))
        url = f"http://127.0.0.1:{port}{path}"
        wait_until_up(url, servers[-1], work / f"{name}.log")
        return url

    serve = [*sampan, "serve", "--port", "{port}", "--workers", workers]
    cached_url = start("serve-cached", serve, env)
    uncached_url = start("serve-uncached", [*serve, "--no-worker"], uncached_env)
    html = fetch(cached_url)  # the first request renders and stores the page
    assert_cache_hit(cached_url)

    (work / "www" / path.strip("/")).mkdir(parents=True)
    (work / "www" / path.strip("/") / "index.html").write_bytes(html)
    for sub in ("tmp-body", "tmp-proxy", "tmp-fastcgi", "tmp-uwsgi", "tmp-scgi"):
        (work / sub).mkdir()
    nginx_port = free_port()
    (work / "nginx.conf").write_text(NGINX_CONF.format(dir=work, port=nginx_port, workers=workers))
    nginx_log = (work / "nginx.log").open("w")
    servers.append(
        subprocess.Popen(
            ["nginx", "-c", str(work / "nginx.conf"), "-p", str(work)], stdout=nginx_log, stderr=nginx_log
        )
    )
    static_url = f"http://127.0.0.1:{nginx_port}{path}"
    wait_until_up(static_url, servers[-1], work / "nginx.log")

    floor_cmd = server_command(
        "bench.floor.wsgi:application", host="127.0.0.1", port=0, workers=options.workers
    )
    floor_cmd = with_port(floor_cmd, "{port}")
    floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.floor.settings"}
    floor_url = start("floor", floor_cmd, floor_env)

    gunicorn = [
        sys.executable, "-m", "gunicorn", "--workers", workers, "--bind", "127.0.0.1:{port}",
        "--log-level", "warning", "sampan.wsgi:application",
    ]  # fmt: skip
    granian = with_port(
        server_command("sampan.wsgi:application", host="127.0.0.1", port=0, workers=options.workers), "{port}"
    )
    gunicorn_cached = start("gunicorn-cached", gunicorn, env)
    gunicorn_uncached = start("gunicorn-uncached", gunicorn, uncached_env)
    granian_cached = start("granian-cached", granian, env)
    granian_uncached = start("granian-uncached", granian, uncached_env)
    for url in (gunicorn_cached, granian_cached):
        fetch(url)
        assert_cache_hit(url)

    targets = [
        Target("nginx static", static_url),
        Target("sampan cached", cached_url),
        Target("sampan uncached", uncached_url),
        Target("django floor", floor_url),
        Target("gunicorn cached", gunicorn_cached),
        Target("gunicorn uncached", gunicorn_uncached),
        Target("granian cached", granian_cached),
        Target("granian uncached", granian_uncached),
    ]
    if options.only:
        wanted = {name.strip() for name in options.only.split(",")}
        targets = [t for t in targets if t.name in wanted]
    for target in targets:  # warm every process's connections, templates and imports
        wrk(target, options, duration=2)
    for number in range(options.rounds):
        order = targets if number % 2 == 0 else list(reversed(targets))
        for target in order:
            result = wrk(target, options, duration=options.duration)
            target.rounds.append(result)
            print(
                f"round {number + 1}: {target.name:<18} {result['rps']:>10.0f} req/s  "
                f"p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms",
                flush=True,
            )
    report(targets, options, path)
    if not options.only or "stats" in options.only.split(","):
        from bench import stats_overhead  # what counting views costs, in the same run (docs/stats.md)

        stats_overhead.run_with(options, work, env, path, servers)
    if not options.only or "import-wxr" in options.only.split(","):
        # Importing a WordPress export, in the same run: full size is --import-posts 10000 (docs/performance.md).
        size = ["--posts", str(options.import_posts), "--comments", str(options.import_posts * 20)]
        subprocess.run([sys.executable, str(ROOT / "bench" / "import_wxr.py"), *size], check=True, cwd=ROOT)
    return 0


PICK_POST = """
import django; django.setup()
from sampan.blog.models import Post
post = Post.objects.posts().live().filter(password="").order_by("-published_at").first()
print(post.get_absolute_url())
"""


def with_port(command: list[str], port: str) -> list[str]:
    """Swap the port in a server command line (built for port 0) for a placeholder."""
    command = list(command)
    for i, part in enumerate(command):
        if part in ("--port", "-p") and command[i + 1] == "0":
            command[i + 1] = port
        elif part.endswith(":0"):
            command[i] = part[:-1] + port
    return command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"bench: a server did not start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"bench: {url} did not answer within {timeout:.0f}s:\n{log.read_text()}")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def assert_cache_hit(url: str) -> None:
    with urllib.request.urlopen(url, timeout=10) as response:
        if response.headers.get("X-Sampan-Cache") != "hit":
            raise SystemExit(
                f"bench: {url} is not answered from the page cache; the cached figures would lie"
            )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM if "nginx" not in str(proc.args) else signal.SIGQUIT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wrk(target: Target, options: argparse.Namespace, duration: int) -> dict:
    command = [
        "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{duration}s",
        "--latency",
        target.url,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p50_ms": to_ms(latency["50"]),
        "p99_ms": to_ms(latency["99"]),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def report(targets: list[Target], options: argparse.Namespace, path: str) -> None:
    by_name = {t.name: t for t in targets}
    print()
    print(f"{'target':<18} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8}   (median of {options.rounds} rounds)")
    for t in targets:
        bad = sum(r["non_2xx"] for r in t.rounds)
        note = f"  ! {bad} non-2xx responses" if bad else ""
        print(
            f"{t.name:<18} {t.median('rps'):>10.0f} {t.median('p50_ms'):>8.2f} {t.median('p99_ms'):>8.2f}{note}"
        )
    ratios = {}
    for label, (num, den, goal) in {
        "cached / nginx static": ("sampan cached", "nginx static", CACHED_TARGET),
        "uncached / django floor": ("sampan uncached", "django floor", UNCACHED_TARGET),
        "gunicorn / granian (cached)": ("gunicorn cached", "granian cached", None),
        "gunicorn / granian (uncached)": ("gunicorn uncached", "granian uncached", None),
    }.items():
        if num in by_name and den in by_name:
            # Ratio of each round's pair, then the median: both sides of a pair ran close together in time.
            pairs = [
                a["rps"] / b["rps"] for a, b in zip(by_name[num].rounds, by_name[den].rounds, strict=True)
            ]
            ratio = statistics.median(pairs)
            ratios[label] = ratio
            verdict = (
                "" if goal is None else (f"  target ≥ {goal:.0%}: " + ("met" if ratio >= goal else "MISSED"))
            )
            print(f"{label:<30} {ratio:>7.1%}{verdict}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "page": path,
                "cores": os.cpu_count(),
                "options": vars(options),
                "targets": {t.name: {"url": t.url, "rounds": t.rounds} for t in targets},
                "medians": {t.name: {k: t.median(k) for k in ("rps", "p50_ms", "p99_ms")} for t in targets},
                "ratios": ratios,
            },
            indent=2,
        )
    )
    print(f"\nresults: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
