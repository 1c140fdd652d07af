"""The `sampan` command: serve the blog, run the worker, seed a demo, and pass anything else to Django."""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence

HELP = """\
usage: sampan COMMAND [options]

Run and manage a Sampan blog. Configuration comes from environment variables (see README.md).

commands:
  serve [--host H] [--port P] [--workers N]
                     Serve the blog with a production server, static files and the background worker.
                     The first start creates the data folder, migrates the database and prepares static
                     files. Stop with Ctrl-C or SIGTERM.
  worker             Run the background worker alone (scheduled posts, mail, mentions).
  demo               Seed a demo blog (posts over several months, pages, categories, tags) into a site
                     that has no posts or pages yet.
  createadmin        Create an administrator account, asking for name, email and password.
  import-wxr FILE [--dry-run] [--author-map FILE] [--skip-media] [--media-from DIR]
                     Bring a WordPress export (posts, pages, comments, media, old links) into the site;
                     safe to run again (it resumes, and never doubles anything).
  export-wxr         Write the whole site as a WordPress export (WXR 1.2) to standard output.
  import-followers FILE.csv [--confirmed]
                     Import followers from a subscriber CSV (WordPress.com / Jetpack export); without
                     --confirmed, each new address is mailed a confirmation link first.
  app-password USERNAME [--label L]
                     Make an application password for a writer's blogging app or script (XML-RPC and the
                     REST API); prints only the password, once.
  check-deploy       Check that the site is ready to serve publicly (secret key, debug off, HTTPS, mail,
                     hosts, data folder, database and Django's deploy checks); exit 1 if any fails.
  backup [FILE]      Back up the database, media and secret key into one file while the site runs
                     (default: sampan-backup-YYYYMMDD-HHMMSS.tar.gz here).
  restore FILE       Bring a backup back into an empty data folder (and empty database); never asks.
  audit [URL] [--max-pages N]
                     Load the site's own pages in headless Chromium and report every request that leaves
                     the site and every Content-Security-Policy violation (exit 1 if any).
  migrate, createsuperuser, shell, …
                     Django's own management commands, unchanged (`sampan help` lists them).

Run `sampan COMMAND --help` for a command's options.
"""

OWN_COMMANDS: tuple[str, ...] = ("serve", "worker", "demo", "createadmin", "app-password", "import-wxr", "export-wxr", "import-followers",
                "backup", "restore")  # fmt: skip
OWN_COMMANDS += ("audit",)
BLOCKING_THREADS = 4
OWN_COMMANDS += ("check-deploy",)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampan.settings")
    if not args or args[0] in ("-h", "--help"):
        print(HELP, end="")
        return 0
    command, rest = args[0], args[1:]
    if command == "serve":
        return serve(rest)
    if command == "restore":  # checks the file before Django starts, so a bad one changes nothing
        from sampan.core.backup_commands import restore_command

        return restore_command(rest)
    import django

    django.setup()
    if command == "worker":
        return worker(rest)
    if command == "demo":
        return demo(rest)
    if command == "createadmin":
        return createadmin(rest)
    if command == "app-password":
        return app_password(rest)
    if command == "backup":
        from sampan.core.backup_commands import backup_command

        return backup_command(rest)
    if command == "check-deploy":
        from sampan.security.deploy_checks import check_deploy_command

        return check_deploy_command(rest)
    if command == "import-followers":
        from sampan.followers.command import import_followers_command

        return import_followers_command(rest)
    if command == "audit":
        from sampan.core.audit_command import audit_command

        return audit_command(rest)
    if command in ("import-wxr", "export-wxr"):
        from sampan.porting import commands

        return commands.import_command(rest) if command == "import-wxr" else commands.export_command(rest)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["sampan", *args])
    return 0


def prepare() -> None:
    """What a start needs: the database migrated, static files collected, no page cached by older code."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    stamp = settings.STATIC_ROOT / ".sampan-static"
    fingerprint = static_fingerprint()
    if not stamp.exists() or stamp.read_text() != fingerprint:
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
    from sampan.core import pagecache

    # Cached pages keep the markup and headers of the code that made them: a (re)start, perhaps of new code,
    # begins with none of them.
    pagecache.invalidate()


def static_fingerprint() -> str:
    """Names, sizes and times of every static source file: collected again whenever any of them changes
    (an upgrade, a theme edit), and only then, so a restart stays quick."""
    import hashlib

    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            info = os.stat(storage.path(path))
            digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="sampan serve", description="Serve the blog (and run the worker).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="server processes (default: number of cores)"
    )
    parser.add_argument(
        "--no-worker", action="store_true", help="do not start the embedded background worker"
    )
    options = parser.parse_args(argv)
    if options.workers < 1:
        parser.error("--workers must be 1 or more")
    prepare()
    server = server_command(
        "sampan.wsgi:application", host=options.host, port=options.port, workers=options.workers
    )
    children = [subprocess.Popen(server)]
    worker_command = None if options.no_worker else [sys.executable, "-m", "sampan.cli", "worker"]
    if worker_command:
        children.append(subprocess.Popen(worker_command))
    if _wait_until_listening(options.host, options.port, children[0]):
        print(f"Sampan is serving http://{options.host}:{options.port}/ (Ctrl-C to stop)", flush=True)
    return _supervise(children, worker_command)


def _wait_until_listening(host: str, port: int, server: subprocess.Popen, timeout: float = 60) -> bool:
    """So that "serving" is printed when the port answers (scripts and tests wait for that line)."""
    import socket
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            target = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
            with socket.create_connection((target, port), 1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def server_command(app: str, *, host: str, port: int, workers: int) -> list[str]:
    """The production server's command line; bench/ runs its Django floor under the very same one."""
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host,
        "--port", str(port), "--workers", str(workers), "--no-ws",
        # Python threads per worker: enough to overlap database and disk waits; each may hold a connection.
        "--blocking-threads", str(BLOCKING_THREADS), "--log-level", "warning", app,
    ]  # fmt: skip


def _supervise(children: list[subprocess.Popen], worker_command: list[str] | None = None) -> int:
    """Wait until the server ends or we are told to stop; then stop all children cleanly. The embedded worker
    is started again when it ends (a database error it could not ride out, say): readers never notice it,
    so it must not take the site down; what it was running is requeued when it starts (abandoned_tasks)."""
    import time

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    code = 0
    pause, started = 1.0, time.monotonic()
    try:
        while children[0].poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                children[0].wait(timeout=0.5)
            if worker_command and children[1].poll() is not None:
                print(
                    f"sampan: the background worker ended (exit {children[1].returncode}); "
                    f"starting it again in {pause:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
                with contextlib.suppress(subprocess.TimeoutExpired):
                    children[0].wait(timeout=pause)
                # Back off while it keeps failing at once; a worker that ran a while starts again quickly.
                pause = 1.0 if time.monotonic() - started > 60 else min(pause * 2, 30.0)
                started = time.monotonic()
                children[1] = subprocess.Popen(worker_command)
        code = next(child.returncode for child in children if child.returncode is not None)
        print(f"sampan: a server process ended unexpectedly (exit {code})", file=sys.stderr)
        code = code or 1
    except KeyboardInterrupt:
        pass
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    return code


def worker(argv: Sequence[str]) -> int:
    from django.core.management import call_command

    from sampan.blog.tasks import publish_due_posts

    parser = argparse.ArgumentParser(prog="sampan worker", description="Run background tasks until stopped.")
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between queue checks (default 1)"
    )
    options = parser.parse_args(argv)
    call_command("migrate", interactive=False, verbosity=0)
    from sampan.core.abandoned_tasks import requeue_abandoned_tasks, worker_id

    requeue_abandoned_tasks()  # what a killed worker was doing runs again
    publish_due_posts.enqueue()  # catch up on anything scheduled while no worker ran
    from sampan.comments.tasks import schedule_tidying

    schedule_tidying()  # the daily comment housekeeping: one run now, and each run queues the next
    from sampan.followers.tasks import schedule_housekeeping

    schedule_housekeeping()  # follower housekeeping (digests, expiry, resuming mail): now, then every 5 minutes
    from sampan.core.tasks import schedule_housekeeping as schedule_forgetting

    schedule_forgetting()  # the daily purge of old outbound-ledger rows (retention periods, docs/privacy.md)
    from sampan.core.warmup import warm_up
    from sampan.stats import flusher

    # Now rather than at the first flush of views (their paths are resolved to posts) or the first mail: loading
    # the URLs takes about a second of CPU, which would be taken from readers on a busy server.
    warm_up()
    flusher.start()  # writes the servers' spooled page views every few seconds (docs/stats.md)
    with contextlib.suppress(KeyboardInterrupt):
        call_command("db_worker", interval=options.interval, verbosity=1, worker_id=worker_id())
    flusher.stop()  # and once more on the way out
    return 0


def demo(argv: Sequence[str]) -> int:
    from sampan.demo import seed_demo

    argparse.ArgumentParser(
        prog="sampan demo", description=HELP.split("demo")[1].split("createadmin")[0]
    ).parse_args(argv)
    print(seed_demo())
    return 0


def createadmin(argv: Sequence[str]) -> int:
    import getpass

    from django.contrib.auth import get_user_model, password_validation
    from django.contrib.auth.models import Group
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from sampan.blog.roles import ADMINISTRATOR

    argparse.ArgumentParser(
        prog="sampan createadmin", description="Create an administrator account."
    ).parse_args(argv)
    users = get_user_model()
    try:
        username = input("Username: ").strip()
        while not username or users.objects.filter(username=username).exists():
            print("That name is empty or taken; choose another.")
            username = input("Username: ").strip()
        email = input("Email: ").strip()
        while True:
            try:
                validate_email(email)
                break
            except ValidationError:
                email = input("That is not an email address. Email: ").strip()
        while True:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                print("The two passwords differ; try again.")
                continue
            try:
                password_validation.validate_password(password, users(username=username, email=email))
                break
            except ValidationError as err:
                print(" ".join(err.messages))
    except (EOFError, KeyboardInterrupt):
        print("\nsampan: no administrator created", file=sys.stderr)
        return 1
    user = users.objects.create_superuser(username=username, email=email, password=password)
    user.groups.add(Group.objects.get_or_create(name=ADMINISTRATOR)[0])
    print(f"Administrator {username} created. Sign in at /admin/.")
    return 0


def app_password(argv: Sequence[str]) -> int:
    from django.contrib.auth import get_user_model

    from sampan.api.passwords import create_app_password

    parser = argparse.ArgumentParser(
        prog="sampan app-password", description="Make an application password and print it (only it)."
    )
    parser.add_argument("username", help="the writer who will use it")
    parser.add_argument("--label", default="Command line", help="which app or script it is for")
    options = parser.parse_args(argv)
    user = get_user_model().objects.filter(username=options.username, is_active=True).first()
    if user is None:
        print(f"sampan: no active user named {options.username!r}", file=sys.stderr)
        return 1
    if not user.is_staff:
        print(
            f"sampan: {options.username} has no writing role (Author, Editor or Administrator)",
            file=sys.stderr,
        )
        return 1
    print(create_app_password(user=user, label=options.label).password)
    return 0


if __name__ == "__main__":
    sys.exit(main())
