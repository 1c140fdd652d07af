"""Made-up and damaged WordPress exports: the importer answers with its own clear error (WxrError, or
ImportStopped naming the line), never a crash, and a file it refuses leaves no post, comment or term behind."""

import random
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampan.blog.models import Category, Post, Tag
from sampan.comments.models import Comment
from sampan.porting.importer import ImportStopped, Options, import_wxr
from sampan.porting.wxr import WxrError, read_wxr

pytestmark = pytest.mark.django_db

SMALL = (Path(__file__).resolve().parents[1] / "fixtures" / "wxr" / "small-export.xml").read_bytes()
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
PIECES = [
    b"<", b">", b"</item>", b"<item>", b"<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>", b"&e;",
    b"<![CDATA[", b"]]>", b"&amp;", b"&#0;", b"\x00", b"\xff\xfe", b"<wp:post_id>x</wp:post_id>",
    b"<wp:comment>", b"<script>alert(1)</script>", b"\"", b"'", b"<?xml version='1.0'?>",
]  # fmt: skip


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    data = bytearray(SMALL)
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 4))):
        at = rng.randrange(len(data))
        kind = draw(st.sampled_from(["cut", "insert", "replace", "truncate"]))
        if kind == "cut":
            del data[at : at + rng.randrange(1, 200)]
        elif kind == "insert":
            data[at:at] = draw(st.one_of(st.sampled_from(PIECES), st.binary(max_size=20)))
        elif kind == "replace":
            data[at] = rng.randrange(256)
        else:
            del data[at:]
    return bytes(data)


ANY_BYTES = st.one_of(
    damaged(),
    st.binary(max_size=400),
    st.text(max_size=300).map(str.encode),
    st.lists(st.sampled_from(PIECES), max_size=12).map(b"".join),
)


def counts() -> tuple[int, ...]:
    return (
        Post.objects.count(),
        Comment.objects.count(),
        Category.objects.count(),
        Tag.objects.count(),
        get_user_model().objects.count(),
    )


@FUZZ
@given(data=ANY_BYTES)
def test_reading_any_bytes_ends_in_records_or_a_wxr_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("wxr") / "export.xml"
    path.write_bytes(data)
    try:
        for _ in read_wxr(path):
            pass
    except WxrError as err:
        assert str(err).strip()


@FUZZ
@given(data=ANY_BYTES)
def test_an_import_of_a_refused_file_leaves_nothing_behind(tmp_path_factory, data, settings):
    folder = tmp_path_factory.mktemp("wxr")
    settings.MEDIA_ROOT = folder / "media"
    path = folder / "export.xml"
    path.write_bytes(data)
    before = counts()
    with transaction.atomic():  # each example starts from the same empty site
        try:
            import_wxr(path, options=Options(skip_media=True))
        except (WxrError, ImportStopped) as err:
            assert str(err).strip()
            assert counts() == before, "a refused file wrote something"
        transaction.set_rollback(True)
