from django import forms
from django.contrib import admin

from sampan.core.admin import ReaderVisibleAdmin

from .models import Widget
from .widgets import kind_choices


class WidgetForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=kind_choices)

    class Meta:
        model = Widget
        fields = ["kind", "title", "position", "enabled", "content"]


@admin.register(Widget)
class WidgetAdmin(ReaderVisibleAdmin):
    form = WidgetForm
    list_display = ["__str__", "kind", "position", "enabled"]
    list_editable = ["position", "enabled"]
    list_display_links = ["__str__"]
