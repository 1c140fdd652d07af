"""Fan-out of one new post to N confirmed followers, through the real worker, into a real SMTP server.

    .venv/bin/python bench/followers_fanout.py [--followers 2000] [--batch-size 200] [--keep]
    .venv/bin/python bench/followers_fanout.py --followers 1000,100000   # several sizes, to see memory stay flat

For each size: a throw-away data folder, migrated; N confirmed followers; an aiosmtpd server in its own process
(accepts everything, notes when the first and last message arrived); `sampan worker` (the real worker, the
database queue) with SAMPAN_EMAIL_URL pointing at it. Then one post is published, as the admin does, and the
clock runs until the post's mailing is finished. Printed per size: messages per second (first to last message
at the SMTP server), time until the first follower has their email (from publishing), the whole run, and the
worker's peak memory (VmHWM) before and after. JSON goes to bench/results/. Not a test: no assertion on time.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_RATE = 500


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", default="2000", help="N, or several as 1000,100000 (default 2000)")
    parser.add_argument("--batch-size", type=int, default=200, help="messages per batch (default 200)")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections at once (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders")
    parser.add_argument("--sink", nargs=1, metavar="PORT", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.sink:
        return sink(int(options.sink[0]))
    results = []
    for n in (int(part) for part in options.followers.split(",")):
        results.append(
            measure(n, batch_size=options.batch_size, connections=options.connections, keep=options.keep)
        )
    print()
    print(
        f"{'followers':>10} {'msg/s':>8} {'smtp floor':>10} {'ratio':>6} {'first mail':>11} {'all mail':>9}"
        f" {'worker peak MB':>15}"
    )
    for r in results:
        print(
            f"{r['followers']:>10} {r['messages_per_second']:>8.0f} {r['smtp_floor_messages_per_second']:>10.0f}"
            f" {r['ratio_to_floor']:>6.0%} {r['seconds_to_first_mail']:>10.2f}s "
            f"{r['seconds_to_last_mail']:>8.1f}s {r['worker_peak_mb_before']:>6.0f} → {r['worker_peak_mb_after']:.0f}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"followers-{stamp}.json"
    out.write_text(json.dumps({"when": stamp, "cores": os.cpu_count(), "runs": results}, indent=2))
    print(f"\nresults: {out.relative_to(ROOT)}  (target ≥ {TARGET_RATE} messages/s)")
    return 0


def smtp_floor(port: int, *, messages: int, connections: int) -> float:
    """The same SMTP server fed by bare smtplib, one ready-made message over and over, on as many connections:
    the fastest any sender could go here, now (the machine is shared, so only ratios travel)."""
    import smtplib
    import threading

    message = (
        b"Subject: floor\r\nFrom: a@example.org\r\nTo: b@example.org\r\n\r\n"
        + b"Words. Words. Words. Words. Words. Words. Words. Words. Words.\r\n" * 45
    )

    def send(count: int) -> None:
        with smtplib.SMTP("127.0.0.1", port) as session:
            for _ in range(count):
                session.sendmail("a@example.org", ["b@example.org"], message)

    threads = [threading.Thread(target=send, args=(messages // connections,)) for _ in range(connections)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (messages // connections) * connections / (time.monotonic() - began)


def measure(n: int, *, batch_size: int, connections: int, keep: bool) -> dict:
    from tests.servers import free_port  # the same helper the tests use

    work = Path(tempfile.mkdtemp(prefix="sampan-fanout-"))
    port, floor_port = free_port(), free_port()
    env = {
        **os.environ,
        "SAMPAN_DATA_DIR": str(work / "data"),
        "SAMPAN_EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SAMPAN_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "sampan.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    sampan = [sys.executable, "-m", "sampan.cli"]
    processes: list[subprocess.Popen] = []
    try:
        print(f"{n} followers: preparing …", flush=True)
        subprocess.run([*sampan, "migrate", "--verbosity", "0"], env=env, check=True, cwd=work)
        smtp = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(port)], env=env, stdout=subprocess.PIPE, text=True
        )
        processes.append(smtp)
        assert smtp.stdout is not None and smtp.stdout.readline().strip() == "ready"
        seed = [sys.executable, "-c", SEED, str(n), str(batch_size), str(connections)]
        subprocess.run(seed, env=env, check=True, cwd=work)
        log = (work / "worker.log").open("w")
        worker = subprocess.Popen([*sampan, "worker"], env=env, cwd=work, stdout=log, stderr=log)
        processes.append(worker)
        run = subprocess.run(
            [sys.executable, "-c", PUBLISH, str(worker.pid)], env=env, check=True, cwd=work,
            capture_output=True, text=True,
        )  # fmt: skip
        measured = json.loads(run.stdout.strip().splitlines()[-1])
        floor_sink = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(floor_port)], env=env, stdout=subprocess.PIPE, text=True
        )
        processes.append(floor_sink)
        assert floor_sink.stdout is not None and floor_sink.stdout.readline().strip() == "ready"
        floor = smtp_floor(floor_port, messages=min(n, 5000), connections=connections)
        smtp.send_signal(signal.SIGTERM)
        first, last, count = (float(x) for x in smtp.communicate(timeout=30)[0].split())
        result = {
            "followers": n,
            "batch_size": batch_size,
            "delivered": measured["delivered"],
            "received_by_smtp": int(count),
            "messages_per_second": count / max(last - first, 1e-9),
            "seconds_to_first_mail": first - measured["published_at"],
            "seconds_to_last_mail": last - measured["published_at"],
            "worker_peak_mb_before": measured["peak_kb_before"] / 1024,
            "worker_peak_mb_after": measured["peak_kb_after"] / 1024,
            "smtp_floor_messages_per_second": floor,
        }
        result["ratio_to_floor"] = result["messages_per_second"] / floor
        print(json.dumps(result), flush=True)
        return result
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


SEED = """
import sys, django
django.setup()
from datetime import timedelta
from django.utils import timezone
from sampan.followers.models import Follower, FollowerSettings
n, batch, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
since = timezone.now() - timedelta(days=1)
FollowerSettings.objects.update_or_create(pk=1, defaults={"batch_size": batch, "connections": connections, "messages_per_minute": 0})
for start in range(0, n, 5000):
    Follower.objects.bulk_create([
        Follower(email=f"reader{i}@example.org", status="confirmed", confirmed_at=since)
        for i in range(start, min(n, start + 5000))
    ])
"""

PUBLISH = """
import json, sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from django_tasks_db.models import DBTaskResult
from sampan.blog import services
from sampan.blog.models import Post
from sampan.followers.models import Delivery, NewPostMailing

def peak_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

pid = int(sys.argv[1])
deadline = time.monotonic() + 120
while not DBTaskResult.objects.filter(task_path__endswith="followers_housekeeping", status="SUCCESSFUL").exists():
    assert time.monotonic() < deadline, "the worker did not start"
    time.sleep(0.2)
before = peak_kb(pid)
author = get_user_model().objects.create_user("writer", "writer@example.org", "pw")
post = Post(title="A new post for everyone", body="Words. " * 200, author=author, status=Post.Status.PUBLISHED)
published_at = time.time()
services.save_post(post)
mailing = NewPostMailing.objects.get(post=post)
while not NewPostMailing.objects.filter(pk=mailing.pk, finished_at__isnull=False).exists():
    time.sleep(0.5)
print(json.dumps({"published_at": published_at, "peak_kb_before": before, "peak_kb_after": peak_kb(pid),
                  "delivered": Delivery.objects.filter(post=post).count()}))
"""


def sink(port: int) -> int:
    """A local SMTP server that accepts every message and notes the time of the first and the last."""
    from aiosmtpd.controller import Controller

    class Counter:
        count, first, last = 0, 0.0, 0.0

        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            now = time.time()
            self.count += 1
            self.first = self.first or now
            self.last = now
            return "250 OK"

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    done = [False]
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, lambda *a: done.__setitem__(0, True))
    print("ready", flush=True)
    while not done[0]:
        time.sleep(0.2)
    controller.stop()
    print(counter.first, counter.last, counter.count, flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
