"""Upgrading to counted raw rows: views already recorded are merged, not lost, and are rolled up again."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("stats", "0005_countries")]
AFTER = [("stats", "0006_one_row_per_kind_of_view")]
DAY = date(2026, 3, 10)


@pytest.mark.django_db(transaction=True)
def test_alike_raw_views_merge_into_one_counted_row_and_their_day_is_rolled_up_again():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("stats", "View")
    for visitor in (None, None, None, 5, 5, 6):
        old.objects.create(day=DAY, path="/", visitor=visitor)
    old.objects.create(day=DAY, kind="f", path="/feed/", visitor=9, source="Feedly", subscribers=120)
    old.objects.create(day=DAY, kind="f", path="/feed/", visitor=9, source="Feedly", subscribers=120)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    View = new_apps.get_model("stats", "View")
    counted = sorted(View.objects.values_list("path", "visitor", "views"), key=str)
    assert counted == [("/", 5, 2), ("/", 6, 1), ("/", None, 3), ("/feed/", 9, 2)]
    assert list(new_apps.get_model("stats", "DayToRollUp").objects.values_list("day", flat=True)) == [DAY]
    assert not View.objects.filter(key=None).exists()  # so the next flush adds to these rows
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
