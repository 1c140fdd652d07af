"""Browser tests: a reader's Chromium on the live server, the privacy guarantee, and an axe check.

Every test here that opens a `page` fails if the page asks any origin other than the live server for anything
(a font, a script, an image, a beacon): no reader data leaves the server by default. `axe_check(page)` runs
axe-core on the current page and fails listing each violation; it skips, saying why, when axe-core is not
installed (scripts/test.sh installs it with npm and points SAMPAN_AXE_PATH at it).
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import BrowserContext, Page, Request

# Playwright's sync API runs an event loop in the test's thread, so Django would refuse the ORM calls that
# factories make in the test body; nothing here is really concurrent.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_FALLBACK = Path(__file__).resolve().parents[2] / ".venv/cache/axe/node_modules/axe-core/axe.min.js"
LOCAL_SCHEMES = ("data", "blob", "about", "chrome-error")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_foreign_requests: this browser test may make requests to other origins"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if "page" in getattr(item, "fixturenames", ()) and here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _migrated_rows(django_db_setup) -> str | None:
    """What migrations put in the test database (the default sidebar, the site settings row), as Django
    serialized it for rollback emulation, read before Playwright starts.

    Once Playwright's event loop runs in this thread, asgiref hands the thread new, context-local connection
    objects, and those lack Django's serialized copy: serialized rollback then silently restores nothing, and
    every browser test after the first flush would see a site without its migrated rows.
    """
    return getattr(connections[DEFAULT_DB_ALIAS], "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _migrated_rows_restored(request: pytest.FixtureRequest, _migrated_rows: str | None) -> None:
    if _migrated_rows is None or "live_server" not in request.fixturenames:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    if not hasattr(connection, "_test_serialized_contents"):
        # Django could not restore them for this test; from now on it finds them and does it itself. Emptied
        # first, as Django does: an earlier flush may have left rows that post_migrate made again (the roles).
        connection._test_serialized_contents = _migrated_rows  # type: ignore[attr-defined]
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(_migrated_rows)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class RequestLog:
    """Every request the browser made during a test, and the ones that failed (with Chromium's reason)."""

    origin: str
    requests: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (url, error text)

    def record(self, request: Request) -> None:
        self.requests.append((request.resource_type, request.url))

    def record_failure(self, request: Request) -> None:
        self.failures.append((request.url, request.failure or "unknown error"))

    def foreign(self) -> list[str]:
        return [
            f"{kind} {url}"
            for kind, url in self.requests
            if urlsplit(url).scheme not in LOCAL_SCHEMES and _origin(url) != self.origin
        ]

    def assert_same_origin(self) -> None:
        foreign = self.foreign()
        failed = "".join(f"\n  failed: {url} ({error})" for url, error in self.failures)
        assert not foreign, (
            f"the browser made {len(foreign)} request(s) to origins other than {self.origin}:\n  "
            + "\n  ".join(foreign)
            + failed
        )


@pytest.fixture
def site_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def request_log(request: pytest.FixtureRequest, context: BrowserContext, live_server) -> Iterator[RequestLog]:
    """Records every request of the test's browser context; afterwards fails on any foreign one."""
    log = RequestLog(origin=_origin(live_server.url))
    context.on("request", log.record)
    context.on("requestfailed", log.record_failure)
    yield log
    if request.node.get_closest_marker("allow_foreign_requests") is None:
        log.assert_same_origin()


@pytest.fixture(autouse=True)
def _privacy_guard(request: pytest.FixtureRequest) -> None:
    """Any browser test in tests/e2e gets the request log, so a foreign request fails it."""
    if "page" in request.fixturenames:
        request.getfixturevalue("request_log")


@pytest.fixture(scope="session")
def axe_source() -> str:
    configured = os.environ.get("SAMPAN_AXE_PATH", "")
    path = Path(configured) if configured else AXE_FALLBACK
    if not path.is_file():
        if configured:
            pytest.fail(f"SAMPAN_AXE_PATH names {configured}, which is not a file")
        pytest.skip(
            "axe-core is not installed, so accessibility checks are skipped: run scripts/test.sh with npm "
            f"available (it runs `npm install axe-core@4` into {AXE_FALLBACK.parents[2]}), or set SAMPAN_AXE_PATH"
        )
    return path.read_text(encoding="utf-8")


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"][:10]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.fixture
def axe_check(axe_source: str) -> Callable[[Page], None]:
    """`axe_check(page)`: asserts axe-core finds no violations on the page as it is now."""

    def check(page: Page) -> None:
        if not page.evaluate("() => typeof window.axe === 'object'"):
            # Through DevTools, not a <script> tag: the site's CSP refuses inline scripts, as it should.
            page.evaluate(axe_source)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
            }))"""
        )
        if violations:
            pytest.fail(
                f"axe found {len(violations)} violation(s) on {page.url}:\n{_describe(violations)}", False
            )

    return check
