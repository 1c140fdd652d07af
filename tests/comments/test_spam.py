"""The local classifier learns from moderators' decisions, abstains until it has enough, and unlearns mistakes."""

import pytest

from sampan.comments import services, spam
from sampan.comments.models import Comment, SpamWord
from tests.factories import make_post

pytestmark = pytest.mark.django_db

SPAMMY = ["cheap pills online casino", "casino bonus cheap offer", "buy pills cheap now", "online casino offer",
          "cheap offer pills bonus", "bonus casino cheap pills"]  # fmt: skip
FINE = ["lovely photos of the river", "thanks for the walk notes", "the river at dusk was lovely",
        "great notes on the walk", "those photos made my day", "thanks for sharing the river"]  # fmt: skip


def comment(body: str, n: int = 0) -> Comment:
    return services.submit_comment(
        post=make_post(), body=body, author_name="Someone", author_email=f"someone{n}@example.org"
    )


def decide(bodies, status):
    for n, body in enumerate(bodies):
        services.set_status(comment(body, n), status)


def test_the_classifier_abstains_until_it_has_seen_enough_decisions():
    decide(SPAMMY[: spam.MIN_DOCS - 1], Comment.Status.SPAM)
    decide(FINE, Comment.Status.APPROVED)
    assert spam.score("cheap pills casino").probability is None
    assert comment("cheap pills casino").spam_score is None


def test_after_enough_spam_decisions_similar_comments_go_to_spam():
    decide(SPAMMY, Comment.Status.SPAM)
    decide(FINE, Comment.Status.APPROVED)
    new = comment("cheap casino pills bonus offer", 99)
    assert new.status == Comment.Status.SPAM
    assert new.spam_score is not None and new.spam_score >= 0.95
    ok = comment("lovely river photos, thanks", 98)
    assert ok.spam_score is not None and ok.spam_score < 0.5
    assert ok.status != Comment.Status.SPAM


def test_the_score_names_the_telling_words():
    decide(SPAMMY, Comment.Status.SPAM)
    decide(FINE, Comment.Status.APPROVED)
    result = spam.score("cheap pills and a lovely river")
    assert {"cheap", "pills"} <= set(result.telling_words)
    assert "river" not in result.telling_words


def test_correcting_a_decision_unlearns_it():
    mistaken = comment("lovely river photos")
    services.spam_comment(mistaken)
    river = SpamWord.objects.get(word="river")
    assert (river.spam, river.ham) == (1, 0)
    services.approve_comment(mistaken)
    river.refresh_from_db()
    assert (river.spam, river.ham) == (0, 1)
    assert SpamWord.objects.get(word=spam.SPAM_DOCS).spam == 0


def test_holding_or_trashing_teaches_nothing_and_deciding_twice_counts_once():
    c = comment("lovely river photos")
    services.hold_comment(c)
    services.trash_comment(c)
    assert not SpamWord.objects.filter(word="river").exists()
    services.approve_comment(c)
    services.hold_comment(c)
    services.approve_comment(c)
    assert SpamWord.objects.get(word="river").ham == 1
