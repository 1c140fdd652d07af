"""The moderation queue in the admin: counts, columns, who sees what, bulk actions, editing, settings, data tools."""

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from sampan.comments import services, spam
from sampan.comments.models import Comment, DiscussionSettings, SpamWord
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

QUEUE = "/admin/comments/comment/"
DATA_TOOLS = "/admin/comments/comment/personal-data/"
SETTINGS = "/admin/comments/discussionsettings/"


def comment_on(post, body="Lovely post.", email="ann@example.org", **fields):
    fields.setdefault("author_name", "Ann")
    return services.submit_comment(post=post, body=body, author_email=email, **fields)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor():
    return make_user("ed", role="Editor")


@pytest.fixture
def mei():
    return make_user("mei", role="Author")


def bulk(client: Client, action: str, comments, **extra) -> str:
    data = {"action": action, "_selected_action": [c.pk for c in comments], **extra}
    response = client.post(QUEUE + "?status=" + extra.pop("status", ""), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_queue_shows_counts_by_status(editor):
    post = make_post()
    held = [comment_on(post, f"Comment {n}", email=f"r{n}@example.org") for n in range(3)]
    services.approve_comment(held[0])
    services.spam_comment(held[1])
    html = signed_in(editor).get(QUEUE).content.decode()
    assert "All (2)" in html and "Pending (1)" in html and "Approved (1)" in html
    assert "Spam (1)" in html and "Trash (0)" in html


def test_the_queue_shows_author_excerpt_post_kind_score_and_reasons(editor):
    post = make_post("Rivers at dusk")
    comment_on(post, "What a lovely evening that must have been.", author_url="https://ann.example.net/")
    html = signed_in(editor).get(QUEUE + "?status=pending").content.decode()
    assert "Ann" in html and "ann@example.org" in html and "https://ann.example.net/" in html
    assert "What a lovely evening that must have been." in html
    assert f'href="{post.get_absolute_url()}"' in html and "Rivers at dusk" in html
    assert "First comment from this email address." in html
    assert "Comment" in html  # the kind


def test_the_score_shows_as_a_percentage_once_the_classifier_judges(editor):
    for n in range(spam.MIN_DOCS):
        spam.learn(f"cheap pills casino bonus offer {n}", spam=True)
        spam.learn(f"lovely river walk photos thanks {n}", spam=False)
    comment_on(make_post(), "a lovely river walk, thanks")
    html = signed_in(editor).get(QUEUE + "?status=pending").content.decode()
    score = Comment.objects.get().spam_score
    assert f"{score:.0%}" in html


def test_an_author_sees_only_comments_on_their_own_posts(mei):
    mine = comment_on(make_post("Mei's post", author=mei), "On Mei's post")
    theirs = comment_on(make_post("Someone else's post"), "On another post")
    client = signed_in(mei)
    html = client.get(QUEUE).content.decode()
    assert "On Mei&#x27;s post" in html or "On Mei's post" in html
    assert "On another post" not in html
    assert client.get(f"{QUEUE}{mine.pk}/change/").status_code == 200
    assert client.get(f"{QUEUE}{theirs.pk}/change/").status_code in (302, 403, 404)
    bulk(client, "approve", [mine, theirs])  # another author's comment is not theirs to touch
    theirs.refresh_from_db()
    assert theirs.status == Comment.Status.PENDING


def test_an_editor_sees_everyones_comments(editor, mei):
    comment_on(make_post(author=mei), "On Mei's post")
    comment_on(make_post(), "On another post")
    html = signed_in(editor).get(QUEUE).content.decode()
    assert "On another post" in html and "Mei" in html


def test_a_reader_without_a_role_gets_no_queue():
    client = signed_in(make_user("reader"))
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("approve", Comment.Status.APPROVED, "Approved 2 comments."),
        ("mark_spam", Comment.Status.SPAM, "Marked as spam: 2 comments."),
        ("trash", Comment.Status.TRASH, "Moved to the trash: 2 comments."),
    ],
)
def test_bulk_actions_moderate_the_selected_comments(editor, action, status, message):
    post = make_post()
    comments = [comment_on(post, f"Comment {n}", email=f"r{n}@example.org") for n in range(2)]
    html = bulk(signed_in(editor), action, comments)
    assert message in html
    assert {c.status for c in Comment.objects.all()} == {status}


def test_unapprove_holds_an_approved_comment_and_the_post_page_no_longer_shows_it(editor):
    post = make_post()
    comment = services.approve_comment(comment_on(post, "Visible for now"))
    bulk(signed_in(editor), "unapprove", [comment])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Visible for now" not in Client().get(post.get_absolute_url()).content.decode()


def test_marking_spam_in_the_queue_teaches_the_classifier_and_correcting_it_unlearns(editor):
    comment = comment_on(make_post(), "cheap pills here")
    client = signed_in(editor)
    bulk(client, "mark_spam", [comment])
    assert SpamWord.objects.get(word="pills").spam == 1
    bulk(client, "approve", [comment], status="spam")
    pills = SpamWord.objects.get(word="pills")
    assert (pills.spam, pills.ham) == (0, 1)


def test_delete_permanently_asks_then_deletes_and_keeps_replies(editor):
    post = make_post()
    parent = services.approve_comment(comment_on(post, "Parent"))
    reply = comment_on(post, "Reply", parent=parent)
    client = signed_in(editor)
    confirm = client.post(QUEUE, {"action": "delete_selected", "_selected_action": [parent.pk]})
    assert "Are you sure" in confirm.content.decode()
    assert Comment.objects.filter(pk=parent.pk).exists()
    client.post(QUEUE, {"action": "delete_selected", "_selected_action": [parent.pk], "post": "yes"})
    assert not Comment.objects.filter(pk=parent.pk).exists()
    reply.refresh_from_db()
    assert reply.parent_id is None


def test_a_moderator_edits_the_text_and_the_post_page_shows_the_new_text(editor):
    post = make_post()
    comment = services.approve_comment(comment_on(post, "Teh river"))
    data = {"status": "approved", "author_name": "Ann", "author_url": "", "body": "The **river**"}
    response = signed_in(editor).post(f"{QUEUE}{comment.pk}/change/", data)
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "The **river**" and "<strong>river</strong>" in comment.body_html
    assert "<strong>river</strong>" in Client().get(post.get_absolute_url()).content.decode()


def test_changing_the_status_in_the_form_goes_through_moderation(editor):
    comment = comment_on(make_post(), "cheap pills here")
    data = {"status": "spam", "author_name": "Ann", "author_url": "", "body": "cheap pills here"}
    signed_in(editor).post(f"{QUEUE}{comment.pk}/change/", data)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM and comment.learned_as == "spam"


def test_an_edit_longer_than_the_limit_is_refused_with_the_text_kept(editor):
    comment = comment_on(make_post())
    data = {"status": "pending", "author_name": "Ann", "author_url": "", "body": "x" * 5001}
    response = signed_in(editor).post(f"{QUEUE}{comment.pk}/change/", data)
    assert response.status_code == 200
    assert "the limit is 5,000" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Lovely post."


def test_discussion_settings_are_one_page_for_administrators(editor):
    admin = make_user("root", role="Administrator")
    client = signed_in(admin)
    response = client.get(SETTINGS, follow=True)
    assert response.status_code == 200 and "Email me" in response.content.decode()
    change = response.redirect_chain[-1][0]
    data = {
        "comments_allowed": "on", "require_name_email": "on", "close_after_days": 0, "max_length": 800,
        "thread_depth": 3, "per_page": 50, "trust_approved_authors": "on", "link_limit": 2,
        "moderation_keys": "", "blocklist": "casino", "spam_threshold": 0.9, "min_seconds": 3,
    }  # fmt: skip
    client.post(change, data)
    settings = DiscussionSettings.load()
    assert (settings.max_length, settings.blocklist, settings.notify_author) == (800, "casino", False)
    assert signed_in(editor).get(change).status_code == 403
    refused = client.post(change, {**data, "spam_threshold": 1.5})
    assert "Give a number above 0 and at most 1" in refused.content.decode()
    assert DiscussionSettings.load().spam_threshold == 0.9


def test_the_admin_exports_everything_about_an_email_as_json(editor):
    comment_on(make_post("Rivers at dusk"), "First thought", email="Ann@Example.org")
    comment_on(make_post(), "Someone else", email="bo@example.org")
    client = signed_in(editor)
    assert "Export personal data" in client.get(DATA_TOOLS).content.decode()
    response = client.post(DATA_TOOLS, {"email": "ann@example.org", "export": "1"})
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert [c["comment"] for c in data["comments"]] == ["First thought"]
    assert data["comments"][0]["post"] == "Rivers at dusk"


def test_the_admin_erases_an_email_after_a_confirmation(editor):
    comment_on(make_post(), "First thought", email="ann@example.org")
    keep = comment_on(make_post(), "Someone else", email="bo@example.org")
    client = signed_in(editor)
    confirm = client.post(DATA_TOOLS, {"email": "ann@example.org", "erase": "1"})
    assert "First thought" in confirm.content.decode()
    assert Comment.objects.filter(author_email="ann@example.org").exists()
    done = client.post(DATA_TOOLS, {"email": "ann@example.org", "confirm_erase": "1"}, follow=True)
    assert "Erased everything kept about ann@example.org (comments: 1)." in done.content.decode()
    assert list(Comment.objects.all()) == [keep]


def test_an_invalid_email_in_the_data_tools_says_so(editor):
    response = signed_in(editor).post(DATA_TOOLS, {"email": "not an address", "export": "1"})
    assert response.status_code == 200
    assert "Please give a valid email address." in response.content.decode()


def test_authors_do_not_get_the_data_tools(mei):
    assert signed_in(mei).get(DATA_TOOLS).status_code == 403


def test_the_queue_loads_nothing_from_other_origins(editor):
    comment_on(make_post(), 'Look <img src="https://tracker.example/p.gif"> https://elsewhere.example/')
    html = signed_in(editor).get(QUEUE + "?status=pending").content.decode()
    assert "tracker.example/p.gif" in html  # shown as text: the moderator sees what was tried
    assert 'src="http' not in html and 'src="//' not in html
    assert not re.search(r'<link[^>]+href="(https?:)?//', html)


def test_a_website_that_is_not_a_web_address_is_shown_but_never_linked(editor):
    comment = services.import_comment(
        post=make_post(),
        body="Imported long ago",
        status="pending",
        created_at=timezone.now(),
        author_name="Old",
    )
    # The services never store such a website; a row from before that rule (or written by hand) still has one.
    Comment.objects.filter(pk=comment.pk).update(author_url="javascript:alert(1)")
    html = signed_in(editor).get(QUEUE + "?status=pending").content.decode()
    assert "javascript:alert(1)" in html
    assert 'href="javascript:' not in html


def test_an_author_deletes_their_own_post_and_its_comments_go_with_it(mei):
    post = make_post(author=mei)
    comment_on(post)
    response = signed_in(mei).post(
        "/admin/blog/post/", {"action": "delete_selected", "_selected_action": [post.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not Comment.objects.exists()
