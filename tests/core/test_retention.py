"""Retention: the owner's periods (Privacy → Retention settings) decide what the daily housekeeping forgets."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sampan.comments import services as comments
from sampan.comments import tasks as comment_tasks
from sampan.comments.models import Comment
from sampan.core import retention, tasks
from sampan.core.models import OutboundRequest
from sampan.privacy.models import RetentionSettings
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def ledger_row(days_old: int) -> OutboundRequest:
    return OutboundRequest.objects.create(
        created=timezone.now() - timedelta(days=days_old), purpose="webmention-send", method="POST",
        url="https://elsewhere.example/post", host="elsewhere.example", outcome="answered", status=202,
    )  # fmt: skip


def test_defaults_apply_until_the_owner_chooses(settings):
    settings.STATS_RAW_DAYS = 5
    assert retention.all_days() == {
        "spam_and_trash": 30, "client_hashes": 30, "raw_stats": 5, "mention_requests": 90,
        "outbound_requests": 90,
    }  # fmt: skip


def test_the_daily_task_forgets_ledger_rows_past_the_period_and_keeps_the_rest():
    old, recent = ledger_row(91), ledger_row(89)
    result = tasks.forget_old_records.enqueue().return_value
    assert result == {"outbound_requests_forgotten": 1}
    assert list(OutboundRequest.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not OutboundRequest.objects.filter(pk=old.pk).exists()


def test_a_shorter_period_chosen_in_the_admin_forgets_sooner():
    settings_row = RetentionSettings.load()
    settings_row.outbound_requests = 10
    settings_row.save()
    ledger_row(11), ledger_row(9)
    assert tasks.forget_old_records.enqueue().return_value == {"outbound_requests_forgotten": 1}
    assert retention.days("outbound_requests") == 10


def test_the_comments_housekeeping_follows_the_owners_spam_period():
    settings_row = RetentionSettings.load()
    settings_row.spam_and_trash = 3
    settings_row.save()
    post = make_post()
    spam = comments.submit_comment(post=post, body="Buy now", author_name="X", author_email="x@example.org")
    comments.spam_comment(spam)
    then = timezone.now() - timedelta(days=4)
    Comment.objects.filter(pk=spam.pk).update(created_at=then, updated_at=then)
    result = comment_tasks.tidy_comments.enqueue().return_value
    assert result is not None and result["spam_and_trash_deleted"] == 1


def test_each_run_queues_the_next_for_tomorrow_only_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.schedule_housekeeping()  # what `sampan worker` does at start
    runs = DBTaskResult.objects.filter(task_path=tasks.forget_old_records.module_path)
    assert runs.count() == 1
    tasks.schedule_housekeeping(delay=tasks.HOUSEKEEPING_EVERY)
    tasks.schedule_housekeeping(delay=tasks.HOUSEKEEPING_EVERY)  # a second worker start: no second chain
    tomorrow = (timezone.now() + timedelta(hours=23), timezone.now() + timedelta(hours=25))
    assert runs.filter(run_after__range=tomorrow).count() == 1 and runs.count() == 2
