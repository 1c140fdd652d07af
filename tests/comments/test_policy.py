"""The moderation rules, in the order WordPress applies them: spam first, then the reasons to hold, else publish."""

import pytest

from sampan.comments import policy, services, spam
from sampan.comments.models import Comment, DiscussionSettings
from sampan.comments.policy import Candidate, Moderator, Verdict
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db
Status = Comment.Status


def discussion(**values) -> DiscussionSettings:
    settings = DiscussionSettings.load()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def judge(body="Lovely post.", *, post=None, settings=None, **fields) -> Verdict:
    fields.setdefault("author_name", "Ann")
    fields.setdefault("author_email", "ann@example.org")
    candidate = Candidate(post=post or make_post(), body=body, **fields)
    return Moderator().assess(candidate, settings or DiscussionSettings.load())


def approved_comment_from(email: str) -> Comment:
    comment = services.submit_comment(post=make_post(), body="Hello", author_name="A", author_email=email)
    return services.approve_comment(comment)


def test_a_first_comment_is_held():
    verdict = judge()
    assert verdict.status == Status.PENDING
    assert verdict.reasons == ["First comment from this email address."]


def test_a_returning_commenter_with_an_approved_comment_is_published_whatever_the_case_of_the_address():
    approved_comment_from("ann@example.org")
    verdict = judge(author_email="ANN@Example.org")
    assert (verdict.status, verdict.reasons) == (Status.APPROVED, [])


def test_a_held_or_spam_earlier_comment_does_not_make_a_commenter_known():
    comment = services.submit_comment(
        post=make_post(), body="Hi", author_name="A", author_email="ann@example.org"
    )
    services.spam_comment(comment)
    assert judge().status == Status.PENDING


def test_without_the_known_author_rule_a_plain_comment_is_published():
    assert judge(settings=discussion(trust_approved_authors=False)).status == Status.APPROVED


def test_hold_all_holds_even_a_known_commenter():
    approved_comment_from("ann@example.org")
    verdict = judge(settings=discussion(hold_all=True))
    assert verdict.status == Status.PENDING
    assert verdict.reasons == ["Every comment is held for approval (discussion settings)."]


@pytest.mark.parametrize(
    "where",
    [{"body": "Buy VIAGRA now"}, {"author_name": "viagra king"}, {"author_url": "https://viagra.example/"}],
)
def test_a_word_from_the_moderation_list_anywhere_holds_the_comment(where):
    approved_comment_from("ann@example.org")
    settings = discussion(moderation_keys="\n  viagra  \n")
    verdict = judge(settings=settings, **where)
    assert verdict.status == Status.PENDING
    assert "Contains “viagra” from the moderation list." in verdict.reasons


def test_more_links_than_the_limit_holds_the_comment_and_the_limit_itself_does_not():
    approved_comment_from("ann@example.org")
    two = judge("See https://a.example/ and https://b.example/")
    three = judge("See https://a.example/ https://b.example/ <a href='https://c.example/'>c</a>")
    assert two.status == Status.APPROVED
    assert three.status == Status.PENDING and "Has 3 links (more than 2)." in three.reasons


@pytest.mark.parametrize(
    ("listed", "fields"),
    [
        ("casino", {"body": "Best Casino bonuses"}),
        ("spam.example", {"author_url": "https://www.spam.example/page"}),
        ("bot@spam.example", {"author_email": "BOT@spam.example"}),
    ],
)
def test_the_blocklist_sends_a_comment_to_spam(listed, fields):
    verdict = judge(settings=discussion(blocklist=f"nothing-here\n{listed}"), **fields)
    assert verdict.status == Status.SPAM
    assert f"Contains “{listed}” from the blocklist." in verdict.reasons


def test_the_blocklist_wins_over_a_trusted_user():
    editor = make_user("ed", role="Editor")
    verdict = judge("casino", user=editor, settings=discussion(blocklist="casino"))
    assert verdict.status == Status.SPAM


def test_the_posts_author_and_editors_are_published_at_once_even_when_all_are_held():
    author = make_user("mei", role="Author")
    post = make_post(author=author)
    settings = discussion(hold_all=True, moderation_keys="river")
    assert judge("river https://a.example/ https://b.example/ https://c.example/", post=post, user=author,
                 settings=settings).status == Status.APPROVED  # fmt: skip
    assert (
        judge("river", post=post, user=make_user("ed", role="Editor"), settings=settings).status
        == Status.APPROVED
    )


def test_another_author_is_not_trusted_on_someone_elses_post():
    other = make_user("bo", role="Author")
    assert judge(user=other, settings=discussion(hold_all=True)).status == Status.PENDING


def test_a_mention_is_not_held_as_a_first_comment():
    verdict = judge("Linked from my blog", kind=Comment.Kind.PINGBACK, author_email="",
                    source_url="https://blog.example/post/")  # fmt: skip
    assert verdict.status == Status.APPROVED


def test_a_confident_classifier_sends_to_spam_and_says_which_words():
    for n in range(spam.MIN_DOCS):
        spam.learn(f"cheap pills casino bonus {n}", spam=True)
        spam.learn(f"lovely river walk photos {n}", spam=False)
    verdict = judge("cheap pills casino bonus", settings=discussion(spam_threshold=0.9))
    assert verdict.status == Status.SPAM
    assert verdict.score is not None and verdict.score >= 0.9
    assert any("rates it" in r and "pills" in r for r in verdict.reasons)


def test_a_replaced_policy_is_what_the_services_use():
    class HoldEverything(Moderator):
        def assess(self, candidate, settings):
            return Verdict(Status.PENDING, None, ["House rule."])

    original = policy.moderator()
    policy.set_moderator(HoldEverything())
    try:
        comment = services.submit_comment(
            post=make_post(), body="Hi", author_name="A", author_email="a@example.org"
        )
    finally:
        policy.set_moderator(original)
    assert (comment.status, comment.moderation_reasons) == (Status.PENDING, ["House rule."])
