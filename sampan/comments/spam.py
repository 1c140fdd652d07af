"""A local naive-Bayes spam classifier that learns from the moderator's decisions.

Every time a moderator marks a comment spam, or approves one (not spam), its words are counted on that side
(`learn`); moving a comment from one side to the other takes its words back first (`unlearn`), so a mistake
corrected does not linger. `score` combines the most telling words of a new comment as Paul Graham's "A Plan
for Spam" does (per-word probabilities with a prior, the 15 most extreme words, combined with Bayes' rule), and
says which words weighed most, for the moderator. Nothing leaves the server.
"""

import math
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from .models import SpamWord

# Two counters kept as words no text can produce (words are lower-case letters and digits).
SPAM_DOCS, HAM_DOCS = "#spam-comments", "#approved-comments"
MIN_DOCS = 5  # below this many decisions on either side the classifier abstains
MOST_TELLING = 15
UNKNOWN = 0.4  # a word never seen leans a little towards "fine", as in Graham's filter
_WORD = re.compile(r"[a-z0-9][a-z0-9'$\-]{1,30}")


@dataclass(frozen=True)
class Score:
    probability: float | None  # None: not enough decisions yet to judge
    telling_words: list[str]


def words_of(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if not word.isdigit()}


def learn(text: str, *, spam: bool) -> None:
    _count(words_of(text), spam=spam, step=1)


def unlearn(text: str, *, spam: bool) -> None:
    _count(words_of(text), spam=spam, step=-1)


def _count(words: set[str], *, spam: bool, step: int) -> None:
    side = "spam" if spam else "ham"
    names = sorted(words | {SPAM_DOCS if spam else HAM_DOCS})
    with transaction.atomic():
        existing = set(SpamWord.objects.filter(word__in=names).values_list("word", flat=True))
        if step > 0:
            SpamWord.objects.bulk_create([SpamWord(word=w) for w in names if w not in existing])
        SpamWord.objects.filter(word__in=names, **{f"{side}__gte": max(0, -step)}).update(
            **{side: F(side) + step}
        )


def score(text: str) -> Score:
    words = words_of(text)
    counts = {
        row.word: (row.spam, row.ham)
        for row in SpamWord.objects.filter(word__in=[*words, SPAM_DOCS, HAM_DOCS])
    }
    spam_docs = counts.pop(SPAM_DOCS, (0, 0))[0]
    ham_docs = counts.pop(HAM_DOCS, (0, 0))[1]
    if spam_docs < MIN_DOCS or ham_docs < MIN_DOCS:
        return Score(None, [])
    probabilities = {
        word: _word_probability(*counts.get(word, (0, 0)), spam_docs, ham_docs) for word in words
    }
    telling = sorted(probabilities, key=lambda w: abs(probabilities[w] - 0.5), reverse=True)[:MOST_TELLING]
    if not telling:
        return Score(UNKNOWN, [])
    # Combine in log space: many small probabilities would underflow a plain product.
    log_spam = sum(math.log(probabilities[w]) for w in telling)
    log_ham = sum(math.log(1 - probabilities[w]) for w in telling)
    probability = 1 / (1 + math.exp(max(-700.0, min(700.0, log_ham - log_spam))))
    return Score(probability, [w for w in telling if probabilities[w] > 0.5][:5])


def _word_probability(spam: int, ham: int, spam_docs: int, ham_docs: int) -> float:
    if spam + ham == 0:
        return UNKNOWN
    in_spam = min(1.0, spam / spam_docs)
    in_ham = min(1.0, ham / ham_docs)
    raw = in_spam / (in_spam + in_ham)
    # A word seen only a few times is pulled towards the prior (Robinson's correction).
    strength, seen = 1.0, spam + ham
    corrected = (strength * UNKNOWN + seen * raw) / (strength + seen)
    return min(0.99, max(0.01, corrected))
