"""WordPress's older page methods, as Open Live Writer uses them: pages for editors, never for authors."""

import pytest

from sampan.blog.models import Post
from tests.factories import make_post

from .xmlrpc_helpers import call, fault_of, result_of, writer

pytestmark = pytest.mark.django_db


def test_an_editor_creates_a_child_page_in_menu_order_and_lists_it(client):
    _, password = writer("ed", role="Editor")
    about = make_post("About", kind=Post.Kind.PAGE)
    content = {
        "title": "Team",
        "description": "<p>Us</p>",
        "wp_page_parent_id": str(about.pk),
        "wp_page_order": 3,
    }
    page_id = result_of(call(client, "wp.newPage", "1", "ed", password, content, True))
    page = Post.objects.get(pk=int(page_id))
    assert page.is_page and page.parent == about and page.menu_order == 3 and page.is_live
    listed = result_of(call(client, "wp.getPageList", "1", "ed", password))
    assert {p["page_title"] for p in listed} == {"About", "Team"}
    struct = result_of(call(client, "wp.getPage", "1", page_id, "ed", password))
    assert struct["page_id"] == page_id and struct["wp_page_parent_title"] == "About"
    assert [p["title"] for p in result_of(call(client, "wp.getPages", "1", "ed", password, 10))] == [
        "About",
        "Team",
    ]


def test_edit_and_delete_page(client):
    _, password = writer("ed", role="Editor")
    page = make_post("Contact", kind=Post.Kind.PAGE)
    assert result_of(
        call(client, "wp.editPage", "1", str(page.pk), "ed", password, {"title": "Write to us"}, True)
    )
    page.refresh_from_db()
    assert page.title == "Write to us" and page.status == Post.Status.PUBLISHED
    assert result_of(call(client, "wp.deletePage", "1", "ed", password, str(page.pk))) is True
    assert not Post.objects.filter(pk=page.pk).exists()


def test_authors_cannot_touch_pages_and_posts_are_not_pages(client):
    ana, password = writer("ana")
    page = make_post("About", kind=Post.Kind.PAGE, author=ana)
    assert fault_of(call(client, "wp.newPage", "1", "ana", password, {"title": "x"}, True))[0] == 401
    assert (
        fault_of(call(client, "wp.editPage", "1", str(page.pk), "ana", password, {"title": "x"}, True))[0]
        == 401
    )
    assert fault_of(call(client, "wp.deletePage", "1", "ana", password, str(page.pk)))[0] == 401
    post = make_post("A post", author=ana)
    assert fault_of(call(client, "wp.getPage", "1", str(post.pk), "ana", password)) == (
        404,
        "Invalid page ID.",
    )
