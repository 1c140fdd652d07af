from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "sampan.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from sampan.blog import discussion

        from .discussion import CommentsDiscussion

        discussion.register(CommentsDiscussion())

        from sampan.core import personal_data

        from . import notifications, personal, services

        personal_data.register(personal.SOURCE)

        from sampan.readers import personal as readers_personal

        from . import reader_records

        readers_personal.register(reader_records.RECORDS)  # a reader's signed-in comments, with their account

        if notifications.comment_submitted not in services.comment_submitted_hooks:
            services.comment_submitted_hooks.append(notifications.comment_submitted)
