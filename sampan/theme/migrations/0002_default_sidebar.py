"""The default sidebar of a new site. Other apps add their widgets (follow by email, Blog Stats) in theirs."""

from django.db import migrations

DEFAULTS = [("search", 10), ("calendar", 20), ("archives", 30), ("categories", 40), ("recent_posts", 50)]


def add_widgets(apps, schema_editor):
    Widget = apps.get_model("theme", "Widget")
    if Widget.objects.exists():
        return
    for kind, position in DEFAULTS:
        Widget.objects.create(kind=kind, position=position, enabled=True)


class Migration(migrations.Migration):
    dependencies = [("theme", "0001_initial")]
    operations = [migrations.RunPython(add_widgets, migrations.RunPython.noop)]
