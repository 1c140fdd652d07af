"""The "N thoughts on" section and the comment form's endpoint, as a reader's browser (or a bot) meets them."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampan.blog.models import Post
from sampan.comments import guard, held, services
from sampan.comments.models import Comment, DiscussionSettings
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db

FORM_URL = "/comments/post/"


def discussion_settings(**values):
    settings = DiscussionSettings.load()
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def _token_made(post, at):
    """A form token as if the page had been opened at `at`."""
    return signing.dumps({"post": post.pk, "at": int(at)}, salt=guard.TOKEN_SALT, compress=True)


def form_data(post, **fields):
    data = {
        "comment": "What a lovely river.",
        "author": "Ann Reader",
        "email": "ann@example.org",
        "url": "",
        "comment_post_ID": str(post.pk),
        "comment_parent": "0",
        guard.TOKEN_FIELD: _token_made(post, time.time() - 60),
    }
    data.update(fields)
    return data


def approved(post, body="First!", parent=None, **fields):
    """An approved comment, as if moderated long ago (whatever the post's settings are now)."""
    fields.setdefault("author_name", "Bao")
    fields.setdefault("author_email", "bao@example.org")
    return services.import_comment(
        post=post,
        body=body,
        parent=parent,
        status=Comment.Status.APPROVED,
        created_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def post():
    return make_post("The river at dawn", body="Mist on the water.")


def test_post_page_shows_count_threaded_comments_and_the_reply_form(client, post):
    first = approved(post, "The mist is the best part.", author_url="https://bao.example/")
    approved(post, "Agreed, every morning.", parent=first, author_name="Chi", author_email="chi@example.org")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "2 thoughts on “The river at dawn”" in html
    assert re.search(r'<ol class="children">\s*<li id="comment-\d+" class="comment depth-2', html)
    assert '<a href="https://bao.example/" class="url" rel="nofollow ugc noopener">Bao</a>' in html
    assert f'href="#comment-{first.pk}"' in html
    assert f'href="?replytocom={first.pk}#respond"' in html
    assert "bao@example.org" not in html  # the email is never shown
    assert '<svg class="avatar"' in html and "gravatar" not in html.lower()
    assert "Leave a Reply" in html and 'name="sampan_homepage"' in html
    assert "Notify me of follow-up comments by email." in html
    assert "Notify me of new posts by email." in html


def test_plain_get_of_a_post_sets_no_cookie(client, post):
    approved(post)
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_same_origin_post_with_no_cookie_is_taken_and_goes_back_to_the_comment(post):
    browser = Client()  # no cookie of any kind
    response = browser.post(FORM_URL, form_data(post), headers={"Sec-Fetch-Site": "same-origin"})
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author_name == "Ann Reader" and comment.client_hash
    assert comment.status == Comment.Status.PENDING


def test_the_page_after_posting_shows_the_private_manage_link_once(post):
    browser = Client()
    sent = browser.post(FORM_URL, form_data(post), headers={"Sec-Fetch-Site": "same-origin"})
    assert "posted" not in sent["Location"]  # never in an address people copy and share
    landing = browser.get(sent["Location"].split("#")[0])
    manage = re.search(r'<a href="(/comments/[^"]+)">manage your comment</a>', landing.content.decode())
    assert manage, "the page after posting offers the manage link"
    assert browser.get(manage.group(1)).status_code == 200
    assert b"manage your comment" not in browser.get(post.get_absolute_url()).content
    assert b"manage your comment" not in Client().get(post.get_absolute_url()).content


def test_wordpress_form_address_is_accepted_too(client, post):
    response = client.post("/wp-comments-post.php", form_data(post), headers={"Origin": "http://testserver"})
    assert response.status_code == 303 and Comment.objects.count() == 1


def test_checkboxes_are_stored(client, post):
    client.post(FORM_URL, form_data(post, notify_followups="1", follow_blog="1"))
    comment = Comment.objects.get()
    assert comment.notify_followups and comment.follow_blog


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_cross_origin_post_is_refused_with_the_text_kept(client, post, headers):
    response = client.post(FORM_URL, form_data(post, comment="Typed with care."), headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert "sent from a page on another site" in html
    assert "Typed with care.</textarea>" in html and 'value="Ann Reader"' in html
    assert not Comment.objects.exists()


def assert_reshown(response, status, message, **typed):
    html = response.content.decode()
    assert response.status_code == status, html[:2000]
    assert 'role="alert"' in html
    assert message in html, html[html.find("comment-form-errors") :][:1500]
    for value in typed.values():
        assert value in html
    assert not Comment.objects.filter(body__startswith="Mist").exists()
    return html


TYPED = dict(comment="Mist &amp; mangoes", author='value="Ann Reader"', email='value="ann@example.org"')


@pytest.mark.parametrize(
    ("fields", "message", "field_id"),
    [
        ({"comment": "   "}, "Please type a comment.", "comment"),
        ({"comment": "x" * 5001}, "the limit is 5,000", "comment"),
        ({"author": ""}, "Please give your name.", "author"),
        ({"email": ""}, "Please give your email address", "email"),
        ({"email": "not-an-address"}, "Please give a valid email address", "email"),
        ({"url": "javascript:alert(1)"}, "Please give a web address", "url"),
        ({"author": "n" * 201}, "Please shorten your name.", "author"),
    ],
)
def test_bad_input_is_shown_again_with_every_field_intact(client, post, fields, message, field_id):
    data = form_data(post, comment=fields.get("comment", "Mist & mangoes"), url="https://ann.example/")
    data.update(fields)
    html = assert_reshown(client.post(FORM_URL, data), 400, message)
    for name, value in data.items():
        if name in ("comment", "author", "email", "url") and len(value) < 300:
            assert value.replace("&", "&amp;").strip() in html, name
    assert f'<a href="#{field_id}">' in html  # the summary links to the field
    assert f'id="{field_id}-error"' in html and 'aria-invalid="true"' in html


def test_checkboxes_stay_ticked_when_the_form_comes_back(client, post):
    html = client.post(FORM_URL, form_data(post, comment="", notify_followups="1", follow_blog="1")).content
    assert html.decode().count("checked") == 2


def test_honeypot_filled_by_a_bot_is_refused(client, post):
    data = form_data(post, comment="Mist & mangoes", **{guard.HONEYPOT_FIELD: "http://spam.example"})
    assert_reshown(client.post(FORM_URL, data), 400, "A field meant to stay empty was filled in", **TYPED)


def test_form_sent_too_fast_is_refused_and_can_be_sent_again(client, post):
    data = form_data(post, comment="Mist & mangoes", **{guard.TOKEN_FIELD: guard.make_token(post.pk)})
    html = assert_reshown(client.post(FORM_URL, data), 400, "That was very quick", **TYPED)
    assert f'name="{guard.TOKEN_FIELD}"' in html


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "did not come from this page"),
        ("forged:token", "did not come from this page"),
        ("other-post", "belongs to another post"),
        ("stale", "open for a long time"),
    ],
)
def test_missing_forged_or_stale_form_token_is_refused(client, post, token, message):
    if token == "other-post":
        token = _token_made(make_post(), time.time() - 60)
    elif token == "stale":
        token = _token_made(post, time.time() - guard.TOKEN_MAX_AGE - 60)
    data = form_data(post, comment="Mist & mangoes", **{guard.TOKEN_FIELD: token})
    assert_reshown(client.post(FORM_URL, data), 400, message, **TYPED)


def test_closed_post_shows_comments_are_closed_and_no_form(client):
    post = make_post(comments_open=False)
    approved(post, "From before it closed.")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed." in html and "From before it closed." in html
    assert 'id="commentform"' not in html and "replytocom" not in html


def test_comments_off_site_wide_and_after_n_days(client):
    recent, old = make_post(), make_post(published_at=timezone.now() - timedelta(days=40))
    discussion_settings(close_after_days=30)
    assert 'id="commentform"' in client.get(recent.get_absolute_url()).content.decode()
    assert "Comments are closed." in client.get(old.get_absolute_url()).content.decode()
    discussion_settings(comments_allowed=False)
    assert "Comments are closed." in client.get(recent.get_absolute_url()).content.decode()


def test_posting_to_a_closed_post_keeps_the_text(client):
    post = make_post(comments_open=False)
    data = form_data(post, comment="Mist & mangoes")
    html = assert_reshown(client.post(FORM_URL, data), 400, "Comments are closed on this post.", **TYPED)
    assert "Comments are closed." in html


def test_unknown_parent_is_refused(client, post):
    data = form_data(post, comment="Mist & mangoes", comment_parent="999999")
    assert_reshown(client.post(FORM_URL, data), 400, "not there any more", **TYPED)


def test_reply_deeper_than_allowed_is_refused(client, post):
    discussion_settings(thread_depth=2)
    top = approved(post)
    reply = approved(post, "Second level.", parent=top)
    data = form_data(post, comment="Mist & mangoes", comment_parent=str(reply.pk))
    assert_reshown(client.post(FORM_URL, data), 400, "Replies nest at most 2 levels deep", **TYPED)


def test_threads_nest_only_as_deep_as_the_setting(client, post):
    discussion_settings(thread_depth=3)
    parent = None
    for level in range(1, 6):
        parent = approved(post, f"Level {level}.", parent=parent)
    html = client.get(post.get_absolute_url()).content.decode()
    assert html.count('<ol class="children">') == 2
    assert html.count("depth-3") == 3  # levels 4 and 5 carry on at the deepest level
    assert html.count('class="comment-reply-link"') == 2  # nobody replies deeper than 3


def test_unknown_post_gets_404(client):
    assert client.post(FORM_URL, {"comment_post_ID": "12345", "comment": "hi"}).status_code == 404
    assert client.post(FORM_URL, {"comment_post_ID": "x"}).status_code == 404
    assert client.get(FORM_URL).status_code == 405


def test_replytocom_shows_the_form_under_that_comment_without_javascript(client, post):
    first = approved(post, "Reply to me.")
    approved(post, "Another one.", author_name="Dung", author_email="d@example.org")
    response = client.get(f"{post.get_absolute_url()}?replytocom={first.pk}")
    html = response.content.decode()
    form_at, first_at = html.index('id="commentform"'), html.index(f'id="comment-{first.pk}"')
    assert first_at < form_at < html.index("Another one.")
    assert f'name="comment_parent" id="comment_parent" value="{first.pk}"' in html
    assert "Leave a Reply to Bao" in html
    cancel = re.search(r'<a rel="nofollow" id="cancel-comment-reply-link" href="([^"]+)"(\s+hidden)?>', html)
    assert cancel and cancel.group(1) == post.get_absolute_url() + "#respond" and not cancel.group(2)


def test_replytocom_of_something_else_shows_the_plain_form(client, post):
    for value in ("abc", "99999", "-1", "9" * 40):
        html = client.get(f"{post.get_absolute_url()}?replytocom={value}").content.decode()
        assert 'name="comment_parent" id="comment_parent" value="0"' in html


def test_a_reply_nests_under_its_parent(client, post):
    first = approved(post)
    response = client.post(FORM_URL, form_data(post, comment_parent=str(first.pk), email="bao@example.org"))
    reply = Comment.objects.get(parent=first)
    assert response.status_code == 303 and reply.status == Comment.Status.APPROVED
    html = client.get(post.get_absolute_url()).content.decode()
    assert re.search(rf'<ol class="children">\s*<li id="comment-{reply.pk}"', html)


def test_pending_comment_is_shown_only_to_its_author(post):
    author, other = Client(), Client()
    response = author.post(FORM_URL, form_data(post, comment="Please approve me."))
    cookie = response.cookies[held.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and held.COOKIE.startswith("sampan_")
    mine = author.get(post.get_absolute_url()).content.decode()
    assert "Please approve me." in mine and "Your comment is awaiting moderation." in mine
    assert "No thoughts yet" in mine  # it is not counted: it is not public
    theirs = other.get(post.get_absolute_url()).content.decode()
    assert "Please approve me." not in theirs and "awaiting moderation" not in theirs


def test_pending_comment_never_reaches_the_page_cache(post):
    author, other = Client(), Client()
    other.get(post.get_absolute_url())  # the page is cached for anonymous readers
    author.post(FORM_URL, form_data(post, comment="Please approve me."))
    assert "Please approve me." in author.get(post.get_absolute_url()).content.decode()
    assert "Please approve me." not in other.get(post.get_absolute_url()).content.decode()


def test_a_forged_held_cookie_shows_nothing(post):
    services.submit_comment(post=post, body="Someone else's secret.", author_name="X", author_email="x@x.org")
    nosy = Client()
    nosy.cookies[held.COOKIE] = ",".join(str(c.pk) for c in Comment.objects.all())
    assert "secret" not in nosy.get(post.get_absolute_url()).content.decode()


def test_returning_commenter_is_published_at_once(client, post):
    approved(post, author_email="ann@example.org", author_name="Ann Reader")
    client.post(FORM_URL, form_data(post, comment="Back again."))
    assert Comment.objects.get(body="Back again.").status == Comment.Status.APPROVED
    assert "2 thoughts on" in Client().get(post.get_absolute_url()).content.decode()


def test_signed_in_reader_comments_without_name_or_email(client, post):
    user = make_user("linh", first_name="Linh", last_name="Pham")
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Logged in as Linh Pham." in page and 'id="author"' not in page and 'id="email"' not in page
    data = form_data(post, comment="Signed in.")
    del data["author"], data["email"]
    assert client.post(FORM_URL, data, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
    comment = Comment.objects.get()
    assert (comment.user, comment.author_name, comment.author_email) == (user, "Linh Pham", user.email)
    assert "Signed in." in client.get(post.get_absolute_url()).content.decode()  # held, but theirs


def test_name_and_email_optional_when_the_owner_says_so(client, post):
    discussion_settings(require_name_email=False)
    response = client.post(FORM_URL, form_data(post, author="", email=""))
    assert response.status_code == 303
    assert "Anonymous" in client.get(post.get_absolute_url()).content.decode()


def test_pingbacks_show_wordpress_style(client, post):
    mention = services.receive_mention(
        post=post, kind=Comment.Kind.PINGBACK, source_url="https://other.example/a-post/",
        body="[…] a lovely river, as said here […]", author_name="Other blog » A post",
    )  # fmt: skip
    services.approve_comment(mention)
    html = client.get(post.get_absolute_url()).content.decode()
    assert re.search(
        r'Pingback:</span>\s*<a class="url" href="https://other.example/a-post/" rel="nofollow ugc noopener">'
        r"Other blog » A post</a>",
        html,
    )
    assert "a lovely river, as said here" in html
    assert f"replytocom={mention.pk}" not in html


def test_comment_pages_split_top_level_comments_with_older_and_newer_links(client, post):
    discussion_settings(paginate=True, per_page=10)  # at least 50 a page, whatever the owner typed
    base = timezone.now() - timedelta(days=1)
    for n in range(1, 121):
        services.import_comment(
            post=post, body=f"Comment number {n}.", status=Comment.Status.APPROVED,
            created_at=base + timedelta(minutes=n), author_name=f"R{n}", author_email=f"r{n}@example.org",
        )  # fmt: skip
    first = client.get(post.get_absolute_url()).content.decode()
    assert "Comment number 50." in first and "Comment number 51." not in first
    assert "120 thoughts on" in first
    assert f'href="{post.get_absolute_url()}comment-page-2/#comments">Newer Comments »' in first
    second = client.get(post.get_absolute_url() + "comment-page-2/").content.decode()
    assert "Comment number 51." in second and "Comment number 100." in second
    assert f'href="{post.get_absolute_url()}#comments">« Older Comments' in second
    third = client.get(post.get_absolute_url() + "comment-page-3/").content.decode()
    assert "Comment number 120." in third and "Newer Comments" not in third
    assert client.get(post.get_absolute_url() + "comment-page-4/").status_code == 404
    one = client.get(post.get_absolute_url() + "comment-page-1/")
    assert one.status_code == 301 and one["Location"] == post.get_absolute_url()


def test_a_comment_on_a_later_page_redirects_there(client, post):
    discussion_settings(paginate=True, per_page=50)
    for n in range(60):
        services.import_comment(
            post=post, body=f"c{n}", status=Comment.Status.APPROVED, created_at=timezone.now(),
            author_email="ann@example.org",
        )  # fmt: skip
    response = client.post(FORM_URL, form_data(post))
    comment = Comment.objects.latest("id")
    assert response["Location"] == f"{post.get_absolute_url()}comment-page-2/#comment-{comment.pk}"


def test_comments_on_pages_work_too(client):
    page = make_post("About", kind=Post.Kind.PAGE)
    response = client.post(FORM_URL, form_data(page, email=""))
    assert response.status_code == 400 and 'id="commentform"' in response.content.decode()
    assert client.post(FORM_URL, form_data(page)).status_code == 303


def test_burst_of_posts_from_one_client_is_throttled_while_others_read(post):
    bot, reader = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="203.0.113.9")
    statuses = [bot.post(FORM_URL, form_data(post, comment=f"spam {n}")).status_code for n in range(1000)]
    assert statuses.count(429) >= 1000 - 10 and set(statuses[:10]) <= {303}
    throttled = bot.post(FORM_URL, form_data(post))
    assert "many comments in a short time" in throttled.content.decode() and throttled["Retry-After"] == "300"
    assert reader.get(post.get_absolute_url()).status_code == 200
    assert Comment.objects.count() <= 10


def test_the_approved_thread_is_built_once_per_cache_generation(post, django_capture_on_commit_callbacks):
    approved(post, "Built once.")
    uncached = Client()
    uncached.cookies["sampan_other"] = "1"  # any sampan_ cookie skips the page cache, not the fragments
    assert "Built once." in uncached.get(post.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "Built once." in uncached.get(post.get_absolute_url()).content.decode()
    assert not [q["sql"] for q in queries if "comments_comment" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        new = services.submit_comment(
            post=post, body="A change.", author_name="C", author_email="c@example.org"
        )
        services.approve_comment(new)  # a change readers see: the services start a new cache generation
    assert "A change." in uncached.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"comment=%FF%FE&comment_post_ID=1", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
        (b"comment=" + b"x" * 3_000_000, "application/x-www-form-urlencoded"),
        (b"--x\r\nnot really multipart", "multipart/form-data; boundary=x"),
    ],
)
def test_junk_posts_get_a_clear_answer_never_a_500(client, post, body, content_type):
    response = client.generic("POST", FORM_URL, body, content_type=content_type)
    assert response.status_code in (400, 404)


def test_junk_in_the_form_fields_is_shown_again_not_a_500(client, post):
    for parent in ("x", "-3", "1e9", "99999999999999999999999"):
        response = client.post(FORM_URL, form_data(post, comment="Mist & mangoes", comment_parent=parent))
        assert response.status_code == 400 and "Mist &amp; mangoes</textarea>" in response.content.decode()
    response = client.post(FORM_URL, {**form_data(post), "comment": ["one", "two"]})
    assert response.status_code in (303, 400)


def test_pages_have_comment_pages_too_and_a_post_without_them_has_none(client, post):
    discussion_settings(paginate=True)
    page = make_post("About", kind=Post.Kind.PAGE)
    for n in range(51):
        approved(page, f"Page comment {n}.", author_email=f"p{n}@example.org")
    second = client.get(page.get_absolute_url() + "comment-page-2/")
    assert second.status_code == 200 and "Page comment 50." in second.content.decode()
    assert client.get(post.get_absolute_url() + "comment-page-2/").status_code == 404
    assert client.get("/category/none/comment-page-2/").status_code == 404
