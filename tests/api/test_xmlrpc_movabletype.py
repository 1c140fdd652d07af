"""The Movable Type category methods and WordPress's older names, which Open Live Writer and MarsEdit call."""

import xmlrpc.client
from io import BytesIO

import pytest
from PIL import Image

from tests.factories import make_category, make_post

from .xmlrpc_helpers import call, fault_of, result_of, writer

pytestmark = pytest.mark.django_db


def test_category_list_and_wp_get_categories_name_every_category(client):
    rivers = make_category("Rivers")
    _, password = writer("ana")
    assert result_of(call(client, "mt.getCategoryList", "1", "ana", password)) == [
        {"categoryId": str(rivers.pk), "categoryName": "Rivers"}
    ]
    (category,) = result_of(call(client, "wp.getCategories", "1", "ana", password))
    assert category["categoryName"] == "Rivers" and category["htmlUrl"].endswith("/category/rivers/")


def test_set_and_get_post_categories_by_id(client):
    ana, password = writer("ana")
    rivers, lakes = make_category("Rivers"), make_category("Lakes")
    post = make_post("P", author=ana, categories=[rivers])
    chosen = [{"categoryId": str(lakes.pk), "isPrimary": True}]
    assert result_of(call(client, "mt.setPostCategories", str(post.pk), "ana", password, chosen)) is True
    found = result_of(call(client, "mt.getPostCategories", str(post.pk), "ana", password))
    assert found == [{"categoryId": str(lakes.pk), "categoryName": "Lakes", "isPrimary": True}]
    post.refresh_from_db()
    assert post.status == "publish"  # only the categories changed


def test_set_post_categories_on_someone_elses_post_is_refused(client):
    _, password = writer("ana")
    theirs = make_post("Theirs")
    assert fault_of(call(client, "mt.setPostCategories", str(theirs.pk), "ana", password, []))[0] == 401


def test_wp_upload_file_works_like_new_media_object(client):
    _, password = writer("ana")
    out = BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    data = {"name": "dot.gif", "type": "image/gif", "bits": xmlrpc.client.Binary(out.getvalue())}
    found = result_of(call(client, "wp.uploadFile", "1", "ana", password, data))
    assert found["type"] == "image/gif" and found["file"].endswith(".gif")


def test_no_text_filters_are_offered(client):
    assert result_of(call(client, "mt.supportedTextFilters")) == []
