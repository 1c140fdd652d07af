"""Bringing subscribers over from WordPress.com / Jetpack, and the owner's CSV export."""

import csv
import io

import pytest
from django.core import mail

from sampan.cli import main
from sampan.followers.models import Follower
from tests.factories import make_user

pytestmark = pytest.mark.django_db

WPCOM_EXPORT = (
    "email_address,date_subscribed,status\n"
    "ann@example.org,2019-03-04 10:11:12,Subscribed\n"
    "BOB@Example.org,2021-07-01,subscribed\n"
    "not-an-address,2021-07-01,subscribed\n"
    "cy@example.org,2022-01-01,Not confirmed\n"
    "dee@example.org,2022-01-01,Unsubscribed\n"
    "\n"
)


@pytest.fixture
def export_file(tmp_path):  # type: ignore[no-untyped-def]
    path = tmp_path / "subscribers.csv"
    path.write_text("\ufeff" + WPCOM_EXPORT, encoding="utf-8")
    return path


def test_import_with_confirmed_makes_followers_at_once_and_sends_no_mail(export_file, capsys):
    assert main(["import-followers", str(export_file), "--confirmed"]) == 0
    out, err = capsys.readouterr()
    assert "2 imported (now following), 0 already known, 3 skipped." in out
    assert "line 4" in err
    ann = Follower.objects.get(email="ann@example.org")
    assert ann.status == Follower.Status.CONFIRMED and ann.source == Follower.Source.IMPORT
    assert ann.confirmed_at is not None and ann.confirmed_at.year == 2019
    assert Follower.objects.filter(email="bob@example.org").exists()
    assert mail.outbox == []


def test_import_without_confirmed_asks_each_address_to_confirm(export_file, capsys):
    assert main(["import-followers", str(export_file)]) == 0
    assert set(Follower.objects.values_list("status", flat=True)) == {Follower.Status.PENDING}
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.org", "bob@example.org"]


def test_import_leaves_known_addresses_as_they_are(export_file, capsys):
    Follower.objects.create(email="ann@example.org", status=Follower.Status.UNSUBSCRIBED)
    main(["import-followers", str(export_file), "--confirmed"])
    assert Follower.objects.get(email="ann@example.org").status == Follower.Status.UNSUBSCRIBED
    assert "1 already known" in capsys.readouterr().out


def test_a_file_without_an_email_column_is_refused_with_one_line(tmp_path, capsys):
    path = tmp_path / "other.csv"
    path.write_text("name,age\nAnn,3\n")
    assert main(["import-followers", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("sampan: ") and "no email column" in err and "\n" not in err
    assert main(["import-followers", str(tmp_path / "missing.csv")]) == 1
    assert not Follower.objects.exists()


def test_the_owner_exports_followers_as_csv_from_the_admin(client):
    Follower.objects.create(email="ann@example.org", status=Follower.Status.CONFIRMED)
    Follower.objects.create(email="=cmd@example.org")
    client.force_login(make_user(role="Administrator"))
    response = client.get("/admin/followers/follower/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["email", "status", "frequency"]
    emails = sorted(row[0] for row in rows[1:])
    assert emails == ["'=cmd@example.org", "ann@example.org"]  # a spreadsheet would run "=cmd…"


def test_readers_cannot_export(client):
    client.force_login(make_user())
    response = client.get("/admin/followers/follower/export.csv")
    assert response.status_code == 302  # to the admin's sign-in
