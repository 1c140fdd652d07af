from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "sampan.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from sampan.blog import discussion

        from .discussion import CommentsDiscussion

        discussion.register(CommentsDiscussion())
