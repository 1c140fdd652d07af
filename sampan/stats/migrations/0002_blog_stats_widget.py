"""Blog Stats joins the default sidebar, after the theme's widgets (and follow by email)."""

from django.db import migrations

POSITION = 70


def add_widget(apps, schema_editor):
    Widget = apps.get_model("theme", "Widget")
    if not Widget.objects.filter(kind="blog_stats").exists():
        Widget.objects.create(kind="blog_stats", position=POSITION, enabled=True)


def remove_widget(apps, schema_editor):
    apps.get_model("theme", "Widget").objects.filter(kind="blog_stats").delete()


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_initial"), ("theme", "0002_default_sidebar")]
    operations = [migrations.RunPython(add_widget, remove_widget)]
