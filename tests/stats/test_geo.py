"""Countries, only with a local GeoIP database: a code per view, rolled up per day, on the dashboard and in the
CSV; no database, no countries (and the dashboard says how to turn them on); never the address."""

import csv
import io
from pathlib import Path

import pytest

from sampan.stats import geo
from sampan.stats.flush import flush_spool
from sampan.stats.models import DailyCountry
from sampan.stats.rollup import roll_up
from tests.factories import make_post, make_user

from .conftest import spooled_lines, visit
from .mmdb import write_country_database
from .test_hashing import _every_stored_value, _forms_of

pytestmark = pytest.mark.django_db

NEW_ZEALAND, AUSTRALIA, UNLISTED = "203.0.113.77", "198.51.100.4", "192.0.2.9"
DASHBOARD = "/admin/stats/dailyviews/"


@pytest.fixture
def countries(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    database = write_country_database(
        tmp_path / "countries.mmdb", {"203.0.113.0/24": "NZ", "198.51.100.0/24": "AU"}
    )
    settings.STATS_GEOIP_PATH = str(database)
    geo.forget()
    yield database
    geo.forget()


@pytest.fixture
def owner(client):  # type: ignore[no-untyped-def]
    client.force_login(make_user("owner", role="Administrator"))
    return client


def test_with_a_database_views_are_counted_per_country_and_the_address_is_not_kept(app, countries, owner):
    post_url = make_post("Harbour lights").get_absolute_url()
    visit(app, post_url, address=NEW_ZEALAND)
    visit(app, "/", address=NEW_ZEALAND)
    visit(app, post_url, address=AUSTRALIA)
    visit(app, post_url, address=UNLISTED)
    assert [line[7] for line in spooled_lines()] == ["NZ", "NZ", "AU", ""]
    flush_spool(grace=-1)
    roll_up()
    assert {(c.country, c.views, c.visitors) for c in DailyCountry.objects.all()} == {
        ("NZ", 2, 1),
        ("AU", 1, 1),
    }
    page = owner.get(DASHBOARD).content.decode()
    assert "Countries" in page and "<td>NZ</td><td>2</td><td>1</td>" in page
    rows = list(csv.reader(io.StringIO(owner.get(DASHBOARD + "export.csv?period=day").content.decode())))
    assert rows[0][-1] == "countries"
    assert rows[-1][-1] == "NZ 2; AU 1"
    stored = _every_stored_value()
    for address in (NEW_ZEALAND, AUSTRALIA):
        for form in _forms_of(address):
            assert not [value for value in stored if form in value], f"{form!r} stored"


def test_readers_asking_not_to_be_tracked_get_no_country(app, countries):
    visit(app, make_post("Harbour lights").get_absolute_url(), address=NEW_ZEALAND, HTTP_SEC_GPC="1")
    [line] = spooled_lines()
    assert (line[4], line[7]) == ("", "")


def test_without_a_database_the_dashboard_says_countries_are_off_and_how_to_turn_them_on(
    app, owner, settings
):
    settings.STATS_GEOIP_PATH = ""
    visit(app, make_post("Harbour lights").get_absolute_url(), address=NEW_ZEALAND)
    assert spooled_lines()[0][7] == ""
    page = owner.get(DASHBOARD).content.decode()
    assert "Countries are off" in page and "SAMPAN_GEOIP_PATH" in page
    header = next(csv.reader(io.StringIO(owner.get(DASHBOARD + "export.csv").content.decode())))
    assert "countries" not in header


def test_an_unreadable_database_is_reported_on_the_dashboard_and_views_are_still_counted(
    app, owner, settings, tmp_path
):
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"not a database")
    settings.STATS_GEOIP_PATH = str(broken)
    geo.forget()
    visit(app, make_post("Harbour lights").get_absolute_url(), address=NEW_ZEALAND)
    assert [line[7] for line in spooled_lines()] == [""]
    assert "could not be read" in owner.get(DASHBOARD).content.decode()
    geo.forget()
