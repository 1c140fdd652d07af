from django.apps import AppConfig


class MentionsConfig(AppConfig):
    name = "sampan.mentions"
    label = "mentions"
    verbose_name = "Mentions"

    def ready(self) -> None:
        from sampan.blog import events

        from . import subscriptions

        events.post_published.connect(subscriptions.post_went_out, dispatch_uid="mentions-published")
        events.post_updated.connect(subscriptions.post_went_out, dispatch_uid="mentions-updated")
        events.post_unpublished.connect(subscriptions.post_withdrawn, dispatch_uid="mentions-withdrawn")
