from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "sampan.stats"
    label = "stats"
    verbose_name = "Stats"

    def ready(self) -> None:
        from sampan.theme import widgets

        from . import dashboard, widget

        widgets.register(widget.KIND, widgets.WidgetKind("Blog Stats", "stats/widget.html", widget.context))
        dashboard.register_series("Likes", "likes")
