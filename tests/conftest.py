import pytest
from django.core.cache import cache

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty page cache, as after a deploy."""
    cache.clear()
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


def _commits(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return (
        bool(marker and marker.kwargs.get("transaction"))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Live-server tests commit for real, and the flush after each would also wipe what migrations seeded (the
    default sidebar, the site settings row). Serialized rollback puts that back before each of them, so every
    test sees a freshly migrated site. (pytest-django runs these tests last, and the test database is made
    anew each run, so what the last flush leaves behind is never reused.) Once Playwright runs, the test thread
    gets new connections without Django's serialized copy: tests/e2e/conftest.py hands it back to them."""
    for item in items:
        if "live_server" in getattr(item, "fixturenames", ()):
            marker = item.get_closest_marker("django_db")
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    # Tests that commit (and flush the database after) run after all the others, as Django runs them: a flush
    # before a plain test would leave it without what migrations seeded. Last of all hooks, so no other plugin's
    # reordering can undo it.
    items.sort(key=_commits)
