"""The "Leave a Reply" form and the checks at it: what it accepts, and what it says when it does not."""

import time

import pytest
from django.core import signing
from django.test import RequestFactory

from sampan.comments import guard
from sampan.comments.forms import CommentForm
from sampan.comments.models import DiscussionSettings

pytestmark = pytest.mark.django_db


def form(signed_in=False, **data):
    fields = {"comment": "Nice.", "author": "Ann", "email": "ann@example.org", "comment_post_ID": "1"}
    fields.update(data)
    return CommentForm(fields, settings=DiscussionSettings.load(), signed_in=signed_in)


def test_a_complete_form_is_valid_and_trimmed():
    f = form(comment="  Nice.  ", url="example.org")
    assert f.is_valid(), f.errors
    assert f.cleaned_data["comment"] == "Nice."
    assert f.cleaned_data["url"] == "https://example.org"  # typed without a scheme
    assert f.cleaned_data["comment_parent"] is None and f.cleaned_data["notify_followups"] is False


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"comment": ""}, "comment", "Please type a comment."),
        ({"comment": "\n \t"}, "comment", "Please type a comment."),
        ({"comment": "x" * 5001}, "comment", "5,001 characters long; the limit is 5,000"),
        ({"comment": "a\x00b"}, "comment", "Null characters are not allowed."),
        ({"author": ""}, "author", "Please give your name."),
        ({"email": ""}, "email", "Please give your email address (it is never shown)."),
        ({"email": "ann@"}, "email", "Please give a valid email address"),
        ({"url": "javascript:alert(1)"}, "url", "Please give a web address"),
        ({"url": "https://example.org/" + "x" * 490}, "url", "at most 500 characters"),
    ],
)
def test_what_is_wrong_is_said_on_the_field(data, field, message):
    f = form(**data)
    assert not f.is_valid()
    assert message in f.errors[field][0]
    assert (field, f.errors[field][0]) in f.problems


def test_limit_follows_the_owners_setting():
    settings = DiscussionSettings.load()
    settings.max_length = 10
    settings.save()
    assert "the limit is 10" in form(comment="x" * 11).errors["comment"][0]


def test_name_and_email_may_be_optional():
    settings = DiscussionSettings.load()
    settings.require_name_email = False
    settings.save()
    assert form(author="", email="").is_valid()
    assert not form(author="", email="not an email").is_valid()  # optional, but not any text


def test_signed_in_reader_has_no_name_email_or_website_fields():
    f = form(signed_in=True, author="", email="")
    assert f.is_valid()
    assert {"author", "email", "url"}.isdisjoint(f.fields)


def test_problems_on_hidden_fields_link_nowhere():
    f = form(comment_parent="x")
    assert not f.is_valid()
    assert [field for field, _ in f.problems] == [""]


# The checks at the form: guard.py


def token(post_id=1, age=60.0):
    return signing.dumps(
        {"post": post_id, "at": int(time.time() - age)}, salt=guard.TOKEN_SALT, compress=True
    )


def test_a_token_made_a_while_ago_for_this_post_is_good():
    assert guard.check_token(token(), post_id=1, min_seconds=3) is None
    assert guard.check_token(guard.make_token(1), post_id=1, min_seconds=0) is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: token(age=0), "very quick"),
        (lambda: token(post_id=2), "another post"),
        (lambda: token(age=guard.TOKEN_MAX_AGE + 10), "open for a long time"),
        (lambda: "", "did not come from this page"),
        (lambda: token()[:-2] + "xx", "did not come from this page"),
        (lambda: signing.dumps({"post": 1}, salt=guard.TOKEN_SALT), "did not come from this page"),
        (lambda: signing.dumps({"post": 1, "at": 1}, salt="another purpose"), "did not come from this page"),
    ],
    ids=["too-quick", "other-post", "stale", "missing", "forged", "no-time", "other-salt"],
)
def test_bad_tokens_are_refused_saying_why(make, message):
    refusal = guard.check_token(make(), post_id=1, min_seconds=3)
    assert refusal is not None and message in refusal.message and refusal.status == 400


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({}, False),  # says nothing: the token decides
        ({"Sec-Fetch-Site": "same-origin"}, False),
        ({"Sec-Fetch-Site": "none"}, False),
        ({"Origin": "http://testserver"}, False),
        ({"Referer": "http://testserver/2024/01/01/a/"}, False),
        ({"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"}, True),
        ({"Sec-Fetch-Site": "same-site"}, True),
        ({"Origin": "https://evil.example"}, True),
        ({"Origin": "null"}, True),
        ({"Referer": "https://evil.example/"}, True),
    ],
)
def test_where_a_post_comes_from(headers, refused):
    request = RequestFactory().post("/comments/post/", headers=headers)
    refusal = guard.from_elsewhere(request)
    assert (refusal is not None) == refused
    if refusal:
        assert refusal.status == 403 and "another site" in refusal.message


def test_honeypot():
    assert guard.honeypot_filled(RequestFactory().post("/", {guard.HONEYPOT_FIELD: ""})) is None
    assert guard.honeypot_filled(RequestFactory().post("/", {guard.HONEYPOT_FIELD: "x"})) is not None
