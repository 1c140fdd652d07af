"""Rate limits count per client; behind the local proxy a client is the address the proxy was asked by."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from sampan.core import ratelimit
from sampan.core.ratelimit import allow, client_key, reader_address, retry_after


def test_behind_a_local_proxy_each_reader_is_their_own_client():
    behind = RequestFactory(REMOTE_ADDR="127.0.0.1")
    ann = behind.get("/", HTTP_X_FORWARDED_FOR="203.0.113.7")
    bob = behind.get("/", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert client_key(ann) != client_key(bob)
    assert reader_address(ann.META) == "203.0.113.7"


def test_a_forwarded_header_from_anyone_but_a_local_proxy_is_not_believed():
    request = RequestFactory(REMOTE_ADDR="203.0.113.7").get("/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert reader_address(request.META) == "203.0.113.7"


def test_the_key_is_a_keyed_hash_not_the_address():
    request = RequestFactory(REMOTE_ADDR="203.0.113.7").get("/")
    key = client_key(request)
    assert len(key) == 32 and int(key, 16) >= 0  # hex digits only: no address in any written form
    assert key != client_key(RequestFactory(REMOTE_ADDR="203.0.113.8").get("/"))


def test_allow_counts_up_to_the_limit_in_a_window():
    results = [allow("test", "k", limit=3, window=3600) for _ in range(5)]
    assert results == [True, True, True, False, False]


BOUNDARY = 1_800_000_000.0  # a multiple of 900 and 3600: one bucket ends and the next begins here


@pytest.fixture
def clock(monkeypatch):
    now = [BOUNDARY]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now[0]))
    return now


def test_attempts_either_side_of_a_bucket_boundary_add_up(clock):
    clock[0] = BOUNDARY - 2
    assert all(allow("edge", "k", limit=5, window=900) for _ in range(3))
    clock[0] = BOUNDARY + 1
    assert all(allow("edge", "k", limit=5, window=900) for _ in range(2))
    assert retry_after("edge", "k", limit=5, window=900) > 0
    assert not allow("edge", "k", limit=5, window=900)


def test_the_allowance_comes_back_as_old_attempts_slide_out(clock):
    clock[0] = BOUNDARY - 1
    assert all(allow("slide", "k", limit=4, window=900) for _ in range(4))
    clock[0] = BOUNDARY
    wait = retry_after("slide", "k", limit=4, window=900)
    assert wait == 225  # a quarter of the window: one of four attempts, taken as spread over the last bucket
    clock[0] += wait - 1
    assert retry_after("slide", "k", limit=4, window=900) > 0
    clock[0] += 1
    assert allow("slide", "k", limit=4, window=900)
    assert not allow("slide", "k", limit=4, window=900)


def test_a_full_bucket_waits_for_the_next_and_is_forgotten_after_two_windows(clock):
    clock[0] = BOUNDARY + 450
    assert [allow("full", "k", limit=2, window=900) for _ in range(3)] == [True, True, False]
    wait = retry_after("full", "k", limit=2, window=900)
    # Three attempts counted (the refused one too): the rest of this bucket, then two thirds of the next.
    assert wait == 450 + 600
    clock[0] += wait
    assert retry_after("full", "k", limit=2, window=900) == 0
    clock[0] = BOUNDARY + 2 * 900
    assert [allow("full", "k", limit=2, window=900) for _ in range(3)] == [True, True, False]


def test_keys_from_outside_are_counted_under_a_name_every_cache_accepts(clock):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Django warns of keys memcached would refuse
        results = [allow("host", "ex ample\n\u00e9" + "x" * 300, limit=1, window=60) for _ in range(2)]
    assert results == [True, False]
    assert allow("host", "ex ample", limit=1, window=60)  # another key, counted apart
