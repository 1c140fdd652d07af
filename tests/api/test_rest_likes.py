"""REST API, likes: a post's count and the names likers chose to give, the same as its like line."""

import pytest

from sampan.comments.models import Comment
from sampan.likes import services
from tests.api.test_rest_support import writer
from tests.factories import make_post

from .comment_helpers import make_comment

pytestmark = pytest.mark.django_db


def test_a_posts_likes_show_the_count_and_given_names_only(client):
    post = make_post("Harbour")
    services.like_post(post=post, token="browser-a")
    services.like_post(post=post, token="browser-b", name="Ana")
    liked = make_comment(post, "", kind=Comment.Kind.WEBMENTION, author_name="Bo", author_url="https://bo.example/",
                         source_url="https://bo.example/likes/1")  # fmt: skip
    Comment.objects.filter(pk=liked.pk).update(mention_type=Comment.MentionType.LIKE)
    response = client.get(f"/api/posts/{post.pk}/likes/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["post"] == post.pk and body["count"] == 3 and body["text"] == "3 people like this"
    assert [(liker["name"], liker["url"]) for liker in body["likers"]] == [
        ("Ana", ""),
        ("Bo", "https://bo.example/"),
    ]
    assert "3 people like this" in client.get(post.get_absolute_url()).content.decode()
    # Nothing stored about a browser ever leaves: not its token, not its hash.
    assert "browser-a" not in response.content.decode()
    assert services.browser_key("browser-a") not in response.content.decode()


def test_likes_of_posts_a_reader_may_not_see_are_not_found(client):
    draft = make_post("Draft", status="draft")
    protected = make_post("Protected", password="pw")
    assert client.get(f"/api/posts/{draft.pk}/likes/").status_code == 404
    assert client.get(f"/api/posts/{protected.pk}/likes/").status_code == 404
    assert client.get("/api/posts/999999/likes/").status_code == 404
    assert client.get("/api/posts/0/likes/").status_code == 422
    _, editor = writer("Editor")
    shown = client.get(f"/api/posts/{draft.pk}/likes/", headers=editor)
    assert shown.status_code == 200 and shown.json()["count"] == 0
    author, headers = writer("Author")
    assert client.get(f"/api/posts/{draft.pk}/likes/", headers=headers).status_code == 404
    own = make_post("Own draft", status="draft", author=author)
    assert client.get(f"/api/posts/{own.pk}/likes/", headers=headers).status_code == 200
