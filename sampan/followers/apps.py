from django.apps import AppConfig


class FollowersConfig(AppConfig):
    name = "sampan.followers"
    label = "followers"
    verbose_name = "Followers"

    def ready(self) -> None:
        from sampan.blog import events
        from sampan.comments import services as comments
        from sampan.core import personal_data

        from . import fanout, followups, personal, widget

        personal_data.register(personal.SOURCE)

        events.post_published.connect(fanout.on_post_published, dispatch_uid="sampan.followers.new-post-mail")
        widget.register_widget()
        if followups.comment_approved not in comments.comment_approved_hooks:
            comments.comment_approved_hooks.append(followups.comment_approved)
        if followups.comment_submitted not in comments.comment_submitted_hooks:
            comments.comment_submitted_hooks.append(followups.comment_submitted)
