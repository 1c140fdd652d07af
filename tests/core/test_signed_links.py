"""Every signed link and signed cookie is bound to its purpose and stops working after its time.

Each entry below makes a token the way the app does and reads it back the way the app does. For every entry:
its own token is accepted; a token made for any other purpose is refused; one older than its age is refused;
one with a character changed is refused. A new signed link belongs in this list.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from sampan.blog import protection
from sampan.blog.models import Post
from sampan.comments import guard, held
from sampan.comments import links as comment_links
from sampan.followers import links as follower_links
from sampan.likes import browser_cookie

EMAIL = "reader@example.org"


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[], str]
    read: Callable[[str], object]  # the accepted value, or something falsy / an exception when refused
    age: timedelta


def _with_cookie(name: str, value: str):
    request = RequestFactory().get("/")
    request.COOKIES[name] = value
    return request


def _signed_cookie(name: str, value: str, salt: str) -> str:
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=salt)
    return response.cookies[name].value


def _follower(purpose: str, age: timedelta) -> Kind:
    return Kind(
        f"followers {purpose}",
        lambda: follower_links.make(purpose, email=EMAIL, follower_id=3),
        lambda token: follower_links.read(purpose, token),
        age,
    )


_POST = Post(pk=5, password="open sesame")

KINDS = [
    Kind(
        "comment moderation",
        lambda: comment_links.moderation_token(7, "approve"),
        comment_links.read_moderation_token,
        comment_links.MODERATION_LINK_AGE,
    ),
    Kind(
        "comment manage",
        lambda: comment_links.manage_token(7),
        comment_links.read_manage_token,
        comment_links.MANAGE_LINK_AGE,
    ),
    Kind(
        "personal data",
        lambda: comment_links.personal_data_token(EMAIL),
        comment_links.read_personal_data_token,
        comment_links.PERSONAL_DATA_LINK_AGE,
    ),
    _follower("confirm", follower_links.CONFIRM_AGE),
    _follower("unsubscribe", follower_links.MAIL_LINK_AGE),
    _follower("manage", follower_links.MAIL_LINK_AGE),
    _follower("stop_comments", follower_links.MAIL_LINK_AGE),
    Kind(
        "comment form",
        lambda: guard.make_token(7),
        lambda token: guard.check_token(token, post_id=7, min_seconds=0) is None,
        timedelta(seconds=guard.TOKEN_MAX_AGE),
    ),
    Kind(
        "liker cookie",
        lambda: _signed_value(browser_cookie.remember),
        lambda token: browser_cookie.read_token(_with_cookie(browser_cookie.COOKIE, token)),
        timedelta(seconds=browser_cookie.MAX_AGE),
    ),
    Kind(
        "held comments cookie",
        lambda: _signed_cookie(held.COOKIE, "7", held.SALT),
        lambda token: held.held_ids(_with_cookie(held.COOKIE, token)),
        timedelta(seconds=held.MAX_AGE),
    ),
    Kind(
        "posted notice cookie",
        lambda: _signed_cookie(held.POSTED_COOKIE, "7", held.POSTED_SALT),
        lambda token: held.posted_id(_with_cookie(held.POSTED_COOKIE, token)),
        timedelta(seconds=held.POSTED_MAX_AGE),
    ),
    Kind(
        "post password cookie",
        lambda: _signed_cookie(
            f"{protection.COOKIE_PREFIX}{_POST.pk}", protection._fingerprint(_POST), protection.SALT
        ),
        lambda token: protection.has_unlocked(
            _with_cookie(f"{protection.COOKIE_PREFIX}{_POST.pk}", token), _POST
        ),
        timedelta(days=protection.COOKIE_DAYS),
    ),
]


def _signed_value(remember: Callable[[HttpResponse, str], None]) -> str:
    response = HttpResponse()
    remember(response, "a-random-liker-token")
    return response.cookies[browser_cookie.COOKIE].value


def accepted(kind: Kind, token: str) -> bool:
    try:
        return bool(kind.read(token))
    except (comment_links.LinkExpired, comment_links.LinkInvalid):
        return False
    except (follower_links.LinkExpired, follower_links.LinkInvalid):
        return False


def by_name(kinds: list[Kind]) -> list:
    return [pytest.param(k, id=k.name) for k in kinds]


@pytest.mark.parametrize("kind", by_name(KINDS))
def test_its_own_token_is_accepted(kind):
    assert accepted(kind, kind.make())


@pytest.mark.parametrize("kind", by_name(KINDS))
def test_a_token_made_for_another_purpose_is_refused(kind):
    for other in KINDS:
        if other is not kind:
            assert not accepted(kind, other.make()), f"{kind.name} accepted a {other.name} token"


@pytest.mark.parametrize("kind", by_name(KINDS))
def test_an_expired_token_is_refused(kind, monkeypatch):
    token = kind.make()
    later = time.time() + kind.age.total_seconds() + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert not accepted(kind, token)


@pytest.mark.parametrize("kind", by_name(KINDS))
def test_a_token_just_inside_its_age_still_works(kind, monkeypatch):
    token = kind.make()
    later = time.time() + kind.age.total_seconds() - 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert accepted(kind, token)


@pytest.mark.parametrize("kind", by_name(KINDS))
def test_a_tampered_token_is_refused(kind):
    token = kind.make()
    for position in (0, len(token) // 2, len(token) - 1):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        assert not accepted(kind, changed), f"{kind.name} accepted a token changed at {position}"
    assert not accepted(kind, token[:-3])
    assert not accepted(kind, "")


def test_every_purpose_has_its_own_salt():
    salts = [
        comment_links.MODERATION_SALT,
        comment_links.MANAGE_SALT,
        comment_links.PERSONAL_DATA_SALT,
        *follower_links.SALTS.values(),
        guard.TOKEN_SALT,
        browser_cookie.SALT,
        held.SALT,
        held.POSTED_SALT,
        protection.SALT,
    ]
    assert len(salts) == len(set(salts))
