"""The comment operations every screen and API shares: taking, moderating, editing, deleting, forgetting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sampan.blog.models import Post
from sampan.comments import services
from sampan.comments.models import Comment, DiscussionSettings
from sampan.core import pagecache
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def comment_on(post, body="Lovely post.", **fields):
    fields.setdefault("author_name", "Ann")
    fields.setdefault("author_email", "ann@example.org")
    return services.submit_comment(post=post, body=body, **fields)


def settings(**values):
    discussion = DiscussionSettings.load()
    for name, value in values.items():
        setattr(discussion, name, value)
    discussion.save()
    return discussion


def test_first_comment_from_new_email_is_held_for_moderation():
    comment = comment_on(make_post())
    assert comment.status == Comment.Status.PENDING
    assert "First comment from this email address." in comment.moderation_reasons


def test_later_comment_from_previously_approved_email_is_published_at_once():
    post = make_post()
    services.approve_comment(comment_on(post))
    again = comment_on(post, "Me again.", author_email="ANN@example.org")
    assert again.status == Comment.Status.APPROVED


def test_comment_html_is_rendered_safely_when_taken():
    comment = comment_on(make_post(), 'Nice <script>alert(1)</script><a href="https://x.org">site</a>')
    assert "<script" not in comment.body_html
    assert 'rel="nofollow ugc noopener"' in comment.body_html


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"body": "   "}, "Please type a comment.", "body"),
        ({"body": "x" * 5001}, "the limit is 5,000", "body"),
        ({"author_name": ""}, "Please give your name.", "author_name"),
        ({"author_email": ""}, "Please give your email address", "author_email"),
    ],
)
def test_a_comment_that_cannot_be_taken_says_why_and_saves_nothing(change, message, field):
    post = make_post()
    fields = {"body": "Hello", "author_name": "Ann", "author_email": "ann@example.org", **change}
    with pytest.raises(services.CommentRejected) as rejected:
        services.submit_comment(post=post, **fields)
    assert message in str(rejected.value)
    assert rejected.value.field == field
    assert not Comment.objects.exists()


def test_name_and_email_are_optional_when_the_owner_says_so():
    settings(require_name_email=False)
    comment = services.submit_comment(post=make_post(), body="Anonymous thought.")
    assert comment.pk


def test_signed_in_writer_needs_no_name_or_email_and_is_published_on_own_post():
    writer = make_user(role="Author")
    post = make_post(author=writer)
    comment = services.submit_comment(post=post, body="Thanks all.", user=writer)
    assert comment.status == Comment.Status.APPROVED
    assert comment.user == writer


@pytest.mark.parametrize(
    "closing",
    [
        {"post": {"comments_open": False}},
        {"site": {"comments_allowed": False}},
        {"site": {"close_after_days": 14}, "post": {"published_at_days_ago": 30}},
    ],
)
def test_closed_posts_take_no_comments(closing):
    post_change = dict(closing.get("post", {}))
    days = post_change.pop("published_at_days_ago", 0)
    post = make_post(published_at=timezone.now() - timedelta(days=days, hours=1), **post_change)
    settings(**closing.get("site", {}))
    assert not services.comments_open(post)
    with pytest.raises(services.CommentRejected, match="Comments are closed"):
        comment_on(post)


def test_drafts_take_no_comments():
    assert not services.comments_open(make_post(status=Post.Status.DRAFT))


def test_replies_nest_up_to_the_configured_depth():
    settings(thread_depth=3, trust_approved_authors=False)
    post = make_post()
    first = comment_on(post)
    second = comment_on(post, parent=first)
    third = comment_on(post, parent=second)
    assert services.depth_of(third) == 3
    with pytest.raises(services.CommentRejected, match="at most 3 levels") as rejected:
        comment_on(post, parent=third)
    assert rejected.value.field == "parent"


@pytest.mark.parametrize("where", ["other post", "pending"])
def test_a_reply_to_a_comment_readers_cannot_see_is_refused(where):
    post = make_post()
    parent = comment_on(make_post() if where == "other post" else post)
    if where == "other post":
        services.approve_comment(parent)
    with pytest.raises(services.CommentRejected, match="not there any more"):
        comment_on(post, parent=parent)


def test_approving_refreshes_the_cached_pages_and_holding_again_too(django_capture_on_commit_callbacks):
    comment = comment_on(make_post())
    before = pagecache.current_generation()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_comment(comment)
    approved = pagecache.current_generation()
    assert approved != before
    with django_capture_on_commit_callbacks(execute=True):
        services.hold_comment(comment)
    assert pagecache.current_generation() != approved


def test_moderation_decisions_teach_the_classifier_once_and_corrections_are_unlearned():
    from sampan.comments.models import SpamWord

    comment = comment_on(make_post(), "cheap pills")
    services.spam_comment(comment)
    assert SpamWord.objects.get(word="pills").spam == 1
    services.spam_comment(comment)
    assert SpamWord.objects.get(word="pills").spam == 1
    services.approve_comment(comment)
    word = SpamWord.objects.get(word="pills")
    assert (word.spam, word.ham) == (0, 1)


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="Unknown comment status"):
        services.set_status(comment_on(make_post()), "burnt")


def test_deleting_a_comment_keeps_its_replies_in_the_thread():
    settings(trust_approved_authors=False)
    post = make_post()
    top = comment_on(post)
    middle = comment_on(post, parent=top)
    reply = comment_on(post, parent=middle)
    services.delete_comment(middle)
    reply.refresh_from_db()
    assert reply.parent == top


def test_editing_rerenders_and_checks_the_text():
    comment = comment_on(make_post())
    services.edit_comment(comment, body="Now with **bold**")
    assert "<strong>bold</strong>" in comment.body_html
    with pytest.raises(services.CommentRejected):
        services.edit_comment(comment, body=" ")


def test_a_resent_mention_updates_the_first_and_keeps_its_moderation():
    post = make_post()
    first = services.receive_mention(
        post=post,
        kind=Comment.Kind.WEBMENTION,
        source_url="https://a.example/p",
        body="Nice",
        author_name="A",
    )
    services.approve_comment(first)
    again = services.receive_mention(
        post=post,
        kind=Comment.Kind.WEBMENTION,
        source_url="https://a.example/p",
        body="Nicer",
        author_name="A",
    )
    assert again.pk == first.pk
    assert again.status == Comment.Status.APPROVED
    assert again.body == "Nicer"
    assert (
        services.remove_mention(post=post, source_url="https://a.example/p", kind=Comment.Kind.WEBMENTION)
        == 1
    )
    assert not Comment.objects.exists()


def test_imported_comments_keep_their_state_and_date():
    when = timezone.now() - timedelta(days=900)
    comment = services.import_comment(
        post=make_post(), body="From 2024", status=Comment.Status.APPROVED, created_at=when, author_name="Old"
    )
    assert (comment.status, comment.created_at) == (Comment.Status.APPROVED, when)


def test_comment_feeds_show_only_approved_thoughts_on_public_posts():
    public, protected = make_post(), make_post(password="secret")
    shown = services.import_comment(
        post=public, body="shown", status=Comment.Status.APPROVED, created_at=timezone.now()
    )
    services.import_comment(
        post=public, body="held", status=Comment.Status.PENDING, created_at=timezone.now()
    )
    services.import_comment(
        post=protected, body="hidden", status=Comment.Status.APPROVED, created_at=timezone.now()
    )
    assert services.latest_approved(limit=10) == [shown]


def test_a_commenter_can_see_and_erase_everything_stored_about_their_email():
    post = make_post()
    comment_on(post, "one")
    comment_on(post, "two", author_email="Ann@Example.org")
    comment_on(post, "other", author_email="bo@example.org")
    data = services.personal_data("ann@example.org")
    assert sorted(item["comment"] for item in data["comments"]) == ["one", "two"]
    assert services.erase_personal_data("ann@example.org") == 2
    assert list(Comment.objects.values_list("body", flat=True)) == ["other"]


def test_address_hashes_are_forgotten_after_thirty_days():
    old = comment_on(make_post(), client_hash="abc")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = comment_on(make_post(), client_hash="def")
    assert services.forget_client_hashes() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.client_hash, recent.client_hash) == ("", "def")


@pytest.mark.parametrize(
    "website", ["javascript:alert(1)", "data:text/html,x", " JaVaScRiPt:x", "ftp://x.org"]
)
def test_a_website_that_is_not_a_web_address_is_never_stored(website):
    post = make_post()
    taken = comment_on(post, author_url=website)
    imported = services.import_comment(
        post=post,
        body="x",
        status="approved",
        created_at=timezone.now(),
        author_url=website,
        source_url=website,
    )
    assert (taken.author_url, imported.author_url, imported.source_url) == ("", "", "")


def test_likes_by_webmention_are_not_counted_as_thoughts():
    post = make_post()
    for kind, source in (("like", "https://a.example/l"), ("reply", "https://b.example/r")):
        mention = services.receive_mention(
            post=post, kind=Comment.Kind.WEBMENTION, source_url=source, body="x", mention_type=kind
        )
        services.approve_comment(mention)
    assert services.count_approved(post) == 1
    assert [c.mention_type for c in services.latest_approved(limit=5)] == ["reply"]
    assert services.approved_likes(post).count() == 1
