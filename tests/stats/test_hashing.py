"""Unique visitors from a keyed daily hash: same reader same day matches; nothing stored reveals the address."""

import ipaddress
from datetime import date, timedelta

import pytest
from django.db import connection

from sampan.stats import spool, visitor
from sampan.stats.flush import flush_spool
from sampan.stats.models import DailySecret, DailyViews
from sampan.stats.rollup import roll_up
from tests.factories import make_post

from .conftest import BROWSER, spooled_lines, visit

pytestmark = pytest.mark.django_db

ADDRESSES = ["203.0.113.77", "2001:db8::77"]


def test_the_same_reader_on_the_same_day_gets_the_same_hash_and_another_reader_another():
    secret = b"s" * 32
    one = visitor.visitor_hash(secret, "203.0.113.77", BROWSER, "blog.example")
    assert one == visitor.visitor_hash(secret, "203.0.113.77", BROWSER, "blog.example")
    assert one != visitor.visitor_hash(secret, "203.0.113.78", BROWSER, "blog.example")
    assert one != visitor.visitor_hash(secret, "203.0.113.77", BROWSER + " other", "blog.example")
    assert one != visitor.visitor_hash(b"t" * 32, "203.0.113.77", BROWSER, "blog.example")


def test_each_day_has_its_own_secret_and_yesterdays_is_forgotten_by_the_roll_up(monkeypatch):
    today = visitor.day_of(visitor.now())
    _, secret_today = visitor.today(visitor.now())
    visitor.reset()
    _, secret_tomorrow = visitor.today(visitor.now() + 86400)
    assert secret_today != secret_tomorrow
    assert DailySecret.objects.count() == 2
    roll_up(today=today + timedelta(days=1))
    assert list(DailySecret.objects.values_list("day", flat=True)) == [today + timedelta(days=1)]


def _forms_of(address: str) -> list[bytes]:
    ip = ipaddress.ip_address(address)
    packed = ip.packed
    forms = [
        address, address[::-1], packed.hex(), packed.hex().upper(), str(int(ip)), ip.exploded,
        ip.exploded.replace(":", ""), hex(int(ip)), ip.reverse_pointer,
    ]  # fmt: skip
    if ip.version == 4:
        forms += [
            ".".join(reversed(address.split("."))),
            "".join(f"{int(p):03d}" for p in address.split(".")),
        ]
    found = [f.encode() for f in forms] + [packed, packed[::-1]]
    return found


def _every_stored_value() -> list[bytes]:
    values: list[bytes] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the database itself)
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode())
    return values


def test_no_stored_column_contains_the_address_in_any_form(app):
    post_url = make_post("Harbour lights").get_absolute_url()
    for address in ADDRESSES:
        visit(app, post_url, address=address)
        visit(app, post_url, address=address, HTTP_SEC_GPC="1")
        visit(
            app,
            "/feed/",
            address=address,
            HTTP_USER_AGENT="NetNewsWire (RSS Reader; https://netnewswire.com/)",
        )
    spool_text = b"".join(path.read_bytes() for path in spool.closed_files(grace=-1))
    flush_spool(grace=-1)
    roll_up()
    assert DailyViews.objects.get().visitors == 2
    stored = [*_every_stored_value(), spool_text]
    for address in ADDRESSES:
        for form in _forms_of(address):
            leaks = [value[:80] for value in stored if form in value]
            assert not leaks, f"{form!r} found in stored data: {leaks}"


def test_a_reader_asking_not_to_be_tracked_adds_a_view_but_no_visitor(app):
    post_url = make_post("Harbour lights").get_absolute_url()
    visit(app, post_url, address="198.51.100.1")
    visit(app, post_url, address="198.51.100.2", HTTP_SEC_GPC="1")
    visit(app, post_url, address="198.51.100.3", HTTP_DNT="1")
    assert len(spooled_lines()) == 3
    flush_spool(grace=-1)
    roll_up()
    day = DailyViews.objects.get()
    assert (day.views, day.visitors, day.private_views) == (3, 1, 2)


def test_two_days_are_counted_as_two_visits_of_the_same_reader(app, monkeypatch):
    post_url = make_post("Harbour lights").get_absolute_url()
    now = visitor.now()
    visit(app, post_url)
    monkeypatch.setattr(visitor, "now", lambda: now + 86400)
    visit(app, post_url)
    flush_spool(grace=-1)
    roll_up(today=date.fromtimestamp(now) + timedelta(days=1))
    assert [(d.views, d.visitors) for d in DailyViews.objects.order_by("day")] == [(1, 1), (1, 1)]
