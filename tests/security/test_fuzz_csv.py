"""Made-up subscriber CSV files: the import reads what it can and says why it skipped the rest, or refuses the
file with a clear reason; a refused file, and every skipped row, adds no follower and sends no mail."""

import csv
import io

import pytest
from django.core import mail
from hypothesis import given
from hypothesis import strategies as st

from sampan.followers.csvfiles import ImportRefused, import_followers
from sampan.followers.models import Follower
from tests.security.fuzz_support import EMAILISH, FUZZ, TEXT

pytestmark = pytest.mark.django_db

HEADERS = st.lists(
    st.one_of(st.sampled_from(["email", "Email Address", "date", "status", "subscribed", ""]), TEXT),
    min_size=0,
    max_size=4,
)


def as_csv(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


CSV_FILES = st.one_of(
    st.builds(as_csv, HEADERS, st.lists(st.lists(st.one_of(EMAILISH, TEXT), max_size=4), max_size=6)),
    st.text(max_size=400),
    st.lists(st.sampled_from(['"', ",", "\n", "\r", "email", "a@b.example", "\x00", ";"]), max_size=40).map(
        "".join
    ),
)


@FUZZ
@given(text=CSV_FILES, confirmed=st.booleans())
def test_any_csv_is_read_or_refused_clearly(text, confirmed):
    before, sent = Follower.objects.count(), len(mail.outbox)
    try:
        report = import_followers(io.StringIO(text, newline=""), confirmed=confirmed)
    except ImportRefused as err:
        assert str(err).strip()
        assert Follower.objects.count() == before and len(mail.outbox) == sent
        return
    assert Follower.objects.count() == before + report.added
    if confirmed:
        assert len(mail.outbox) == sent
    assert all(p.strip() for p in report.problems)
    Follower.objects.all().delete()
