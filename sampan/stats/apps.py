from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "sampan.stats"
    label = "stats"
    verbose_name = "Stats"

    def ready(self) -> None:
        from sampan.theme import widgets

        from . import checks, dashboard, widget  # noqa: F401 (checks registers itself)

        widgets.register(widget.KIND, widgets.WidgetKind("Blog Stats", "stats/widget.html", widget.context))
        from django.apps import apps

        if apps.is_installed("sampan.likes"):
            from sampan.likes.services import likes_per_day

            dashboard.register_series("Likes", likes_per_day)
        if apps.is_installed("sampan.followers"):
            from sampan.followers.services import confirmed_per_day

            dashboard.register_series("New followers", confirmed_per_day)
