"""Background work: the author's mail task, and the daily housekeeping that forgets and empties after 30 days."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sampan.comments import services, tasks
from sampan.comments.models import Comment
from tests.factories import make_post

pytestmark = pytest.mark.django_db


def comment_on(post, body="Lovely post.", **fields):
    fields.setdefault("author_name", "Ann")
    fields.setdefault("author_email", "ann@example.org")
    return services.submit_comment(post=post, body=body, **fields)


def backdate(comment: Comment, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    Comment.objects.filter(pk=comment.pk).update(created_at=then, updated_at=then)


def test_housekeeping_forgets_old_address_hashes_and_keeps_recent_ones():
    post = make_post()
    old = comment_on(post, client_hash="a" * 32)
    recent = comment_on(post, "Again", client_hash="b" * 32)
    backdate(old, 31)
    result = tasks.tidy_comments.enqueue().return_value
    assert result is not None and result["client_hashes_forgotten"] == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.client_hash, recent.client_hash) == ("", "b" * 32)
    assert old.body == "Lovely post."  # the comment itself stays


def test_housekeeping_empties_spam_and_trash_older_than_30_days():
    post = make_post()
    old_spam, old_trash, new_spam, old_approved = (comment_on(post, f"c{n}") for n in range(4))
    services.spam_comment(old_spam)
    services.trash_comment(old_trash)
    services.spam_comment(new_spam)
    services.approve_comment(old_approved)
    for comment in (old_spam, old_trash, old_approved):
        backdate(comment, 31)
    result = tasks.tidy_comments.enqueue().return_value
    assert result is not None and result["spam_and_trash_deleted"] == 2
    assert set(Comment.objects.values_list("pk", flat=True)) == {new_spam.pk, old_approved.pk}


def test_the_mail_task_for_a_comment_deleted_meanwhile_does_nothing():
    comment = comment_on(make_post())
    comment_id = comment.pk
    services.delete_comment(comment)
    assert tasks.send_comment_notification.enqueue(comment_id).return_value is False


def test_each_housekeeping_run_queues_the_next_for_tomorrow_only_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.schedule_tidying()  # what `sampan worker` does at start: one run now
    runs = DBTaskResult.objects.filter(task_path=tasks.tidy_comments.module_path)
    assert runs.count() == 1 and runs.ready().exists()
    tasks.schedule_tidying(delay=tasks.HOUSEKEEPING_EVERY)  # what a run does when it ends
    tasks.schedule_tidying(delay=tasks.HOUSEKEEPING_EVERY)  # a second worker start's run: no second chain
    tomorrow = (timezone.now() + timedelta(hours=23), timezone.now() + timedelta(hours=25))
    later = runs.filter(run_after__range=tomorrow)
    assert later.count() == 1 and runs.count() == 2
