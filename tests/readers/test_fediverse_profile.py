"""What Sampan takes from the account an instance describes: the profile must be on that instance."""

import pytest

from sampan.readers.fediverse.profile import NotThisInstance, identity_of

ACCOUNT = {
    "id": "109876",
    "username": "you",
    "display_name": "You Reader",
    "url": "https://social.example/@you",
    "avatar_static": "https://files.social.example/you.png",
}


def test_the_identity_is_the_account_id_at_the_instance_with_its_name_profile_and_avatar():
    assert identity_of(ACCOUNT, instance="social.example") == {
        "issuer": "social.example",
        "subject": "109876@social.example",
        "display_name": "You Reader",
        "profile_url": "https://social.example/@you",
        "avatar_url": "https://files.social.example/you.png",
    }


def test_without_a_display_name_the_user_name_is_shown():
    assert identity_of({**ACCOUNT, "display_name": "  "}, instance="social.example")["display_name"] == "you"


@pytest.mark.parametrize(
    "url",
    ["https://elsewhere.example/@you", "https://social.example.evil.test/@you", "http://social.example/@you",
     "https://social.example:8443/@you", "https://x@social.example/@you", "javascript:alert(1)", None, 7],
)  # fmt: skip
def test_a_profile_address_off_the_instance_is_refused(url):
    with pytest.raises(NotThisInstance, match=r"not on social\.example"):
        identity_of({**ACCOUNT, "url": url}, instance="social.example")


@pytest.mark.parametrize("account_id", ["", None, "a b", "x" * 101, ["1"], "../1"])
def test_an_account_without_a_usable_id_is_refused(account_id):
    with pytest.raises(NotThisInstance, match="which account"):
        identity_of({**ACCOUNT, "id": account_id}, instance="social.example")


def test_an_avatar_that_is_no_web_address_is_left_out_and_a_huge_name_bounded():
    identity = identity_of({**ACCOUNT, "avatar_static": "data:image/png;base64,AAAA", "display_name": "x" * 10000},
                           instance="social.example")  # fmt: skip
    assert identity["avatar_url"] == ""
    assert len(identity["display_name"]) <= 500
