"""Signed-in apps sending odd field values: every write answers a result or a clean fault, never an error."""

import xmlrpc.client
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.blog.models import Post
from tests.factories import make_post

from .xmlrpc_helpers import fault_of, post_xml, writer

pytestmark = pytest.mark.django_db

FIELDS = ["title", "description", "mt_excerpt", "mt_keywords", "categories", "wp_slug", "wp_password",
          "post_status", "dateCreated", "date_created_gmt", "sticky", "mt_allow_comments", "post_type",
          "wp_page_parent_id", "post_title", "post_content", "post_name", "post_date", "post_date_gmt",
          "terms", "terms_names", "comment_status", "post_parent", "post_author"]  # fmt: skip
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**31), max_value=2**31 - 1),
    st.text(max_size=40),
    st.sampled_from(
        ["publish", "future", "draft", "page", "post", "open", "closed", "", "0", "1", "category"]
    ),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 1, 1)).map(
        lambda d: xmlrpc.client.DateTime(d.strftime("%Y%m%dT%H:%M:%S"))
    ),
    st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(
        st.sampled_from(["category", "post_tag", "x"]),
        st.lists(st.integers(-5, 5) | st.text(max_size=5), max_size=3),
        max_size=2,
    ),
)
contents = st.dictionaries(st.sampled_from(FIELDS), odd_values, max_size=8)
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def editor():
    user, password = writer("ed", role="Editor")
    return user, password, make_post("Target", author=user)


@FUZZ
@given(
    method=st.sampled_from(["metaWeblog.newPost", "wp.newPost", "metaWeblog.editPost", "wp.editPost"]),
    content=contents,
)
def test_odd_fields_give_a_result_or_a_clean_fault(client, editor, method, content):
    _, password, target = editor
    if method == "metaWeblog.newPost":
        params = ("1", "ed", password, content, True)
    elif method == "wp.newPost":
        params = ("1", "ed", password, content)
    elif method == "metaWeblog.editPost":
        params = (str(target.pk), "ed", password, content, True)
    else:
        params = ("1", "ed", password, target.pk, content)
    response = post_xml(client, xmlrpc.client.dumps(params, methodname=method, allow_none=True))
    assert response.status_code == 200
    try:
        xmlrpc.client.loads(response.content)
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode != -32603, fault.faultString


def test_dates_far_in_the_past_or_future_are_fault_400(client, editor):
    _, password, _ = editor
    for text in ("00010102T00:00:00", "99991231T23:00:00"):
        content = {"post_title": "x", "post_date_gmt": xmlrpc.client.DateTime(text), "post_status": "publish"}
        body = xmlrpc.client.dumps(("1", "ed", password, content), methodname="wp.newPost")
        assert fault_of(post_xml(client, body))[0] == 400
    assert Post.objects.filter(title="x").count() == 0
