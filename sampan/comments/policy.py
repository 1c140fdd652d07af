"""The moderation policy: what happens to a new comment or mention, and why.

One class, `Moderator`, holds the rules in the order WordPress applies them: the owner's blocklist and the
classifier send a comment to spam; the "hold" rules (every comment held, moderation words, too many links, a
first comment from an unknown email) keep it pending; otherwise it is approved. Each rule that fired adds a
reason the moderator sees beside the score. Replace the policy with `set_moderator()` (tests, or an owner's
stricter rules); the services call only `moderator().assess(…)`.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sampan.blog.models import Post
from sampan.readers import trust as reader_trust

from . import spam
from .models import Comment, DiscussionSettings
from .rendering import count_links


@dataclass(frozen=True)
class Candidate:
    """A comment or mention not yet saved: what the policy judges."""

    post: Post
    body: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""
    kind: str = Comment.Kind.COMMENT
    source_url: str = ""
    user: Any = None


@dataclass
class Verdict:
    status: str
    score: float | None = None
    reasons: list[str] = field(default_factory=list)


class Moderator:
    def assess(self, candidate: Candidate, settings: DiscussionSettings) -> Verdict:
        verdict = Verdict(Comment.Status.APPROVED)
        haystack = _haystack(candidate)
        blocked = _first_match(settings.blocklist, haystack)
        if blocked:
            verdict.reasons.append(f"Contains “{blocked}” from the blocklist.")
        result = spam.score(f"{candidate.author_name} {candidate.author_url} {candidate.body}")
        verdict.score = result.probability
        spammy = result.probability is not None and result.probability >= settings.spam_threshold
        if spammy:
            words = ", ".join(result.telling_words) or "its words"
            verdict.reasons.append(f"The classifier rates it {result.probability:.0%} spam ({words}).")
        if blocked or spammy:
            verdict.status = Comment.Status.SPAM
            return verdict
        if self.is_trusted_user(candidate):
            return verdict
        held = self.hold_reasons(candidate, settings, haystack)
        if held:
            verdict.status = Comment.Status.PENDING
            verdict.reasons.extend(held)
        return verdict

    @staticmethod
    def is_trusted_user(candidate: Candidate) -> bool:
        user = candidate.user
        if user is None or not user.is_authenticated:
            return False
        return bool(user.pk == candidate.post.author_id or user.has_perm("comments.moderate_comments"))

    # A reader who signed in by a way the owner trusts (Readers → sign-in settings) skips the first-comment hold.
    def hold_reasons(self, candidate: Candidate, settings: DiscussionSettings, haystack: str) -> list[str]:
        reasons = []
        if settings.hold_all:
            reasons.append("Every comment is held for approval (discussion settings).")
        word = _first_match(settings.moderation_keys, haystack)
        if word:
            reasons.append(f"Contains “{word}” from the moderation list.")
        links = count_links(candidate.body)
        if links > settings.link_limit:
            reasons.append(f"Has {links} links (more than {settings.link_limit}).")
        if (
            candidate.kind == Comment.Kind.COMMENT
            and settings.trust_approved_authors
            and not _has_approved_comment(candidate)
            and not reader_trust.is_trusted(candidate.user)
        ):
            signed_in = candidate.user is not None and candidate.user.is_authenticated
            reasons.append(
                "First comment from this reader." if signed_in else "First comment from this email address."
            )
        return reasons


def _has_approved_comment(candidate: Candidate) -> bool:
    user = candidate.user
    # A signed-in reader is known by their account too (many ways in give no email address).
    signed_in = user is not None and user.is_authenticated
    if signed_in and Comment.objects.filter(user=user, status=Comment.Status.APPROVED).exists():
        return True
    if not candidate.author_email:
        return False
    return Comment.objects.filter(
        author_email__iexact=candidate.author_email, status=Comment.Status.APPROVED
    ).exists()


def _haystack(candidate: Candidate) -> str:
    host = urlsplit(candidate.author_url or candidate.source_url).hostname or ""
    parts = [candidate.author_name, candidate.author_email, candidate.author_url, candidate.source_url, host]
    return "\n".join([*parts, candidate.body]).lower()


def _first_match(listing: str, haystack: str) -> str:
    """The first line of an owner's list found in the comment (case-insensitive), as WordPress matches."""
    for line in listing.splitlines():
        needle = line.strip().lower()
        if needle and needle in haystack:
            return line.strip()
    return ""


_moderator: Moderator = Moderator()


def moderator() -> Moderator:
    return _moderator


def set_moderator(policy: Moderator) -> None:
    global _moderator
    _moderator = policy
