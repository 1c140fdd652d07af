"""The tally that counts every answer: in C (`_fastcount.Tally`) and in Python (`CopyingTally`), alike.

Each test runs with both (the `tally` fixture in conftest.py)."""

import sys
import threading
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.stats import recorder

SERVED = ("200", "text/html; charset=utf-8")
BROWSER = {
    "REQUEST_METHOD": "GET",
    "PATH_INFO": "/2026/11/27/a-post/",
    "REMOTE_ADDR": "203.0.113.7",
    "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
    "HTTP_ACCEPT": "text/html",
    "HTTP_ACCEPT_LANGUAGE": "en-NZ",
    "wsgi.url_scheme": "http",
}


def fresh_tally(kind: Any, turn: Any = None, batch: int = 10_000) -> Any:
    """A tally of the same kind as the test's, with a day already set, so `turn` is only told of full batches."""
    made = type(kind)(recorder.FIELDS, batch, turn or (lambda new_day: None))
    made.set_day(time.time() + 3600, ("day", b"secret"))
    return made


def test_alike_views_are_one_entry_with_their_count_and_take_starts_afresh(tally):
    counter = fresh_tally(tally)
    for _ in range(3):
        counter(dict(BROWSER), SERVED)
    counter({**BROWSER, "HTTP_REFERER": "https://example.org/"}, SERVED)
    assert counter.waiting == (2 if isinstance(counter, recorder.FastTally) else 4)  # (Python groups in take)
    taken = counter.take()
    assert counter.waiting == 0 and counter.take() == {}
    values = dict(zip(recorder.FIELDS, [None] * len(recorder.FIELDS), strict=True))
    plain = tuple({**values, **{k: v for k, v in BROWSER.items() if k in values}}.values())
    assert taken[(("day", b"secret"), SERVED, *plain)] == [3]
    assert sorted(count for (count,) in taken.values()) == [1, 3]


def test_threads_counting_at_once_lose_no_view(tally):
    counter = fresh_tally(tally)
    readers = [{**BROWSER, "REMOTE_ADDR": f"198.51.100.{n}"} for n in range(5)]

    def read() -> None:
        for i in range(4000):
            counter(dict(readers[i % 5]), SERVED)

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as Python allows
    try:
        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    taken = counter.take()
    assert sorted(count for (count,) in taken.values()) == [6400] * 5


def test_the_turn_is_told_of_a_new_day_and_of_a_full_batch(tally):
    turns: list[bool] = []
    counter = type(tally)(recorder.FIELDS, 2, turns.append)
    counter.clock = lambda: 1000.0
    counter(dict(BROWSER), SERVED)  # the first view: no day yet
    assert turns == [True]
    counter.set_day(2000.0, ("day", b"secret"))
    counter({**BROWSER, "REMOTE_ADDR": "198.51.100.1"}, SERVED)
    assert turns == [True, False]  # two different views wait
    counter.take()
    counter.clock = lambda: 2000.0
    counter(dict(BROWSER), SERVED)
    assert turns == [True, False, True]  # the day is over


def test_a_failing_turn_never_costs_the_reader_their_page(tally, caplog, monkeypatch):
    reported: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    def broken(new_day: bool) -> None:
        raise RuntimeError("the database is down")

    counter = type(tally)(recorder.FIELDS, 10, broken)
    counter(dict(BROWSER), SERVED)  # does not raise
    # The C tally reports through sys.unraisablehook, the Python one logs; either way someone is told.
    assert reported or "Could not count a view" in caplog.text


def test_what_was_counted_with_no_day_is_not_written():
    assert recorder.spool_lines({(None, SERVED, *[None] * len(recorder.FIELDS)): [1]}) == b""


header = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(["1", "0", "prefetch", "text/html"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries({name: header for name in recorder.FIELDS}), min_size=1, max_size=8))
def test_both_tallies_count_any_requests_the_same(tally, requests):
    c_made, python_made = (
        fresh_tally(recorder.FastTally(recorder.FIELDS, 1, lambda new_day: None)),
        fresh_tally(recorder.CopyingTally(recorder.FIELDS, 1, lambda new_day: None)),
    )
    for fields in requests:
        environ = {name: value for name, value in fields.items() if value is not None}
        environ["wsgi.url_scheme"] = "http"
        c_made(dict(environ), SERVED)
        python_made(dict(environ), SERVED)
    assert c_made.take() == python_made.take()


def test_sampan_check_warns_when_views_are_counted_in_python(monkeypatch):
    from sampan.stats.checks import counting_in_c

    assert counting_in_c() == []  # built here: the test command installs gcc and Python's headers
    monkeypatch.setattr(recorder, "FastTally", None)
    [warning] = counting_in_c()
    assert warning.id == "stats.W001" and "python3-dev" in (warning.hint or "")
