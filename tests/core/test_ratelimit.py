"""Rate limits count per client; behind the local proxy a client is the address the proxy was asked by."""

from django.test import RequestFactory

from sampan.core.ratelimit import allow, client_key, reader_address


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
