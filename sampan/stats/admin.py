"""The stats in the admin: the dashboard (in place of the daily rows' list), its CSV export, the settings."""

import csv

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone

from sampan.core.admin import ReaderVisibleAdmin

from . import charts, dashboard
from .models import DailyViews, StatsSettings


@admin.register(DailyViews)
class DashboardAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        export = path("export.csv", self.admin_site.admin_view(self.export_csv), name="stats_export_csv")
        return [export, *super().get_urls()]

    def _dashboard(self, request: HttpRequest) -> dashboard.Dashboard | None:
        period = request.GET.get("period", "day")
        if period not in dashboard.PERIODS:
            return None
        return dashboard.build(period=period, today=timezone.localdate())

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)  # Django's own refusal
        board = self._dashboard(request)
        if board is None:
            return HttpResponse("Unknown period: use day, week or month.", status=400)
        labels = [b.label for b in board.buckets]
        chart_list = [
            ("Views", charts.bar_chart(title=f"Views per {board.period}", labels=labels, values=[b.views for b in board.buckets])),
            ("Visitors", charts.bar_chart(title=f"Visitors per {board.period}", labels=labels, values=[b.visitors for b in board.buckets], css_class="visitors")),
            ("Feed subscribers", charts.bar_chart(title=f"Feed subscribers per {board.period}", labels=labels, values=[b.subscribers for b in board.buckets], css_class="subscribers")),
        ]  # fmt: skip
        for label in board.series_labels:
            values = [b.extra[label] for b in board.buckets]
            chart_list.append((label, charts.bar_chart(title=f"{label} per {board.period}", labels=labels, values=values, css_class="series")))  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "title": "Stats",
            "opts": self.model._meta,
            "board": board,
            "charts": chart_list,
            "periods": list(dashboard.PERIODS),
            "rows": list(reversed(board.buckets)),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/stats/dashboard.html", context)

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse("You may not see the stats.", status=403)
        board = self._dashboard(request)
        if board is None:
            return HttpResponse("Unknown period: use day, week or month.", status=400)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="stats-per-{board.period}.csv"'
        csv.writer(response).writerows(dashboard.csv_rows(board))
        return response


@admin.register(StatsSettings)
class StatsSettingsAdmin(ReaderVisibleAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not StatsSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
