"""What a reader may type as their Fediverse account, and the instance Sampan takes from it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sampan.readers.fediverse.handles import NotAnInstance, instance_of


@pytest.mark.parametrize(
    ("typed", "instance"),
    [
        ("@you@mastodon.social", "mastodon.social"),
        ("  you@Mastodon.Social  ", "mastodon.social"),
        ("mastodon.social", "mastodon.social"),
        ("mastodon.social/", "mastodon.social"),
        ("https://mastodon.social/@you", "mastodon.social"),
        ("mastodon.social/@you", "mastodon.social"),
        ("https://social.example:8443", "social.example:8443"),
        ("@you@social.example:443", "social.example"),
        ("@du@bücher.example", "xn--bcher-kva.example"),
    ],
)
def test_an_address_a_server_name_or_a_profile_link_names_the_instance(typed, instance):
    assert instance_of(typed) == instance


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type your Fediverse address"),
        ("mastodon", "not a server name"),
        ("@you@", "not a server name"),
        ("@a@b@c.example", "looks like @you@mastodon.social"),
        ("@<b>you</b>@x.example", "looks like @you@mastodon.social"),
        ("http://mastodon.social", "https://"),
        ("https://user:pw@mastodon.social", "https://"),
        ("javascript:alert(1)", "not a server name"),
        ("<script>.example", "not a server name"),
        ("x..example", "not a server name"),
        ("social.example:99999", "port number"),
        ("x" * 400 + ".example", "too long"),
    ],
)
def test_anything_else_is_refused_with_a_sentence_saying_what_to_type(typed, says):
    with pytest.raises(NotAnInstance, match=says):
        instance_of(typed)


_pieces = st.text(max_size=60)
_typed = st.one_of(
    st.text(max_size=400),
    st.builds(lambda name, host: f"@{name}@{host}", _pieces, _pieces),
    st.builds(lambda host, rest: f"https://{host}/{rest}", _pieces, _pieces),
    st.builds(lambda host, port: f"{host}.example:{port}", _pieces, st.integers(-5, 100_000)),
)


@given(_typed)
def test_any_text_gives_an_instance_host_or_a_sentence_never_an_error(typed):
    try:
        host = instance_of(typed)
    except NotAnInstance as exc:
        assert str(exc).endswith(".")
    else:
        assert (
            host == host.lower()
            and host.isascii()
            and " " not in host
            and "/" not in host
            and "@" not in host
        )
