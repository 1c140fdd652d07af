"""The "Follow Blog via Email" widget in the default sidebar, after Recent Posts (the theme's position 50)."""

from django.db import migrations


def add_widget(apps, schema_editor):
    Widget = apps.get_model("theme", "Widget")
    if not Widget.objects.filter(kind="follow").exists():
        Widget.objects.create(kind="follow", position=60, enabled=True)


def remove_widget(apps, schema_editor):
    apps.get_model("theme", "Widget").objects.filter(kind="follow").delete()


class Migration(migrations.Migration):
    dependencies = [("followers", "0001_initial"), ("theme", "0002_default_sidebar")]
    operations = [migrations.RunPython(add_widget, remove_widget)]
