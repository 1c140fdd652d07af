"""`sampan audit [URL]` against a real `sampan serve`: a clean demo site passes, a page that tries to load
something from another origin fails the audit and is named in the report."""

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, sampan_env, start_serve

pytestmark = [pytest.mark.server, pytest.mark.browser]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A demo blog served on a free port, plus a test-only page in its media folder that embeds an image
    from another origin (the sanitizer keeps such markup out of posts, so it is placed beside them)."""
    data = tmp_path_factory.mktemp("audit") / "data"
    port = free_port()
    env = sampan_env(data, SAMPAN_SITE_URL=f"http://127.0.0.1:{port}")
    subprocess.run([sys.executable, "-m", "sampan.cli", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "sampan.cli", "demo"], env=env, check=True, capture_output=True)
    (data / "media").mkdir(exist_ok=True)
    (data / "media" / "probe.html").write_text(
        '<!doctype html><title>Probe</title><img src="http://127.0.0.2:9/pixel.png" alt="">'
    )
    server = start_serve(env, port)
    try:
        yield f"http://127.0.0.1:{port}", env
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def audit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sampan.cli", "audit", *args],
        env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def test_the_demo_site_is_clean_from_its_own_address(site):
    url, env = site
    result = audit(env, "--max-pages", "6")  # no URL: SAMPAN_SITE_URL
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 pages audited: no foreign requests, no CSP violations." in result.stdout
    assert f"Audited {url}/" in result.stdout


def test_a_page_loading_a_foreign_image_fails_the_audit_and_is_named(site):
    url, env = site
    result = audit(env, f"{url}/media/probe.html", "--max-pages", "2")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "/media/probe.html" in result.stdout
    assert "img-src blocked http://127.0.0.2:9/pixel.png" in result.stdout
    assert "1 of 2 pages are not clean" in result.stdout


def test_an_unreachable_site_is_one_clear_line_and_exit_2(site):
    _, env = site
    result = audit(env, f"http://127.0.0.1:{free_port()}/")
    assert result.returncode == 2
    assert result.stderr.startswith("sampan: http://127.0.0.1:") and "does not answer" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_without_a_browser_the_audit_says_so_and_exits_2(site, tmp_path: Path):
    url, env = site
    code = (
        "import sys; sys.modules['playwright'] = None; from sampan.cli import main; "
        f"sys.exit(main(['audit', '{url}/']))"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "sampan: the audit needs Playwright for Python (pip install playwright) and Chromium"
    )
