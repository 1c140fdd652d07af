"""What a reader may type as their website, and the one form Sampan keeps it in (IndieAuth's profile URL rules)."""

import pytest

from sampan.readers.indieauth.profile_url import NotAProfileURL, profile_url


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("example.com", "https://example.com/"),
        ("  Example.COM  ", "https://example.com/"),
        ("http://example.com", "http://example.com/"),
        ("HTTPS://Example.com/Alice", "https://example.com/Alice"),
        ("https://example.com/users?id=100", "https://example.com/users?id=100"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com./", "https://example.com/"),
    ],
)
def test_a_website_address_is_kept_in_its_canonical_form(typed, kept):
    assert profile_url(typed) == kept


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("", "Type the address of your website"),
        ("https://example.com/#me", "no fragment"),
        ("https://example.com/#", "no fragment"),
        ("https://user:pass@example.com/", "user name or password"),
        ("https://alice@example.com/", "user name or password"),
        ("https://example.com:8443/", "Leave out the port"),
        ("example.com:8080", "Leave out the port"),
        ("https://172.28.92.51/", "not an IP address"),
        ("https://[::1]/", "not an IP address"),
        ("http://127.1/", "not an IP address"),
        ("http://0x7f.1/", "not an IP address"),
        ("mailto:user@example.com", "https:// or http://"),
        ("javascript:alert(1)", "https:// or http://"),
        ("ftp://example.com/", "https:// or http://"),
        ("https://example.com/foo/../bar", "“.” or “..”"),
        ("https://exa mple.com/", "not a valid domain name"),
        ("https:///path", "names no website"),
    ],
)
def test_addresses_that_cannot_name_a_person_are_refused_saying_why(typed, said):
    with pytest.raises(NotAProfileURL, match=said.replace("?", r"\?")):
        profile_url(typed)


def test_a_port_is_accepted_only_while_tests_reach_loopback_fakes(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert profile_url("http://alice.test:8123/") == "http://alice.test:8123/"
    with pytest.raises(NotAProfileURL):
        profile_url("http://127.0.0.2:8123/")
