import pytest
from django.test import Client

from sampan.blog import services
from sampan.blog.models import Post, Revision
from tests.factories import make_post, make_user

pytestmark = pytest.mark.django_db


def edit(post: Post, *, body: str, by) -> Post:
    post.body = body
    return services.save_post(post, by=by, previous_status=post.status)


def restore_url(post: Post, revision: Revision) -> str:
    return f"/admin/blog/post/{post.pk}/revisions/{revision.pk}/restore/"


@pytest.fixture
def edited_post(author):
    post = make_post("Trip", author=author, body="We rowed to the island.")
    edit(post, body="We rowed to the island and back, tired and happy.", by=author)
    return post


def test_change_form_lists_revisions_with_who_saved_them_and_the_word_change(client, edited_post):
    page = client.get(f"/admin/blog/post/{edited_post.pk}/change/").text
    assert "Revisions" in page
    assert "+6 / -1 words" in page  # "island." became "island and back, …"
    assert "First saved version, 5 words." in page
    assert ">ana<" in page
    assert page.count("Restore this revision</button>") == 1  # the current text has nothing to restore


def test_restoring_a_revision_puts_the_old_text_back_and_keeps_a_new_revision(client, author, edited_post):
    first = edited_post.revisions.last()
    response = client.post(restore_url(edited_post, first), follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/blog/post/{edited_post.pk}/change/"
    assert "Restored the revision saved" in response.text
    edited_post.refresh_from_db()
    assert edited_post.body == "We rowed to the island."
    assert "We rowed to the island.</p>" in edited_post.body_html
    assert edited_post.revisions.count() == 3
    newest = edited_post.revisions.first()
    assert (newest.body, newest.saved_by) == ("We rowed to the island.", author)


def test_restore_is_a_post_with_a_csrf_token(author, edited_post):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(author)
    first = edited_post.revisions.last()
    assert strict.get(restore_url(edited_post, first)).status_code == 405
    assert strict.post(restore_url(edited_post, first)).status_code == 403
    edited_post.refresh_from_db()
    assert edited_post.body.endswith("happy.")


def test_author_cannot_restore_a_revision_of_someone_elses_post(client, edited_post):
    client.force_login(make_user("bob", role="Author"))
    first = edited_post.revisions.last()
    assert client.post(restore_url(edited_post, first)).status_code == 403
    edited_post.refresh_from_db()
    assert edited_post.body.endswith("happy.")


def test_revision_of_another_post_cannot_be_restored_into_this_one(client, author, edited_post):
    other = make_post("Other", author=author, body="Something else entirely.")
    response = client.post(restore_url(edited_post, other.revisions.get()))
    assert response.status_code == 404
