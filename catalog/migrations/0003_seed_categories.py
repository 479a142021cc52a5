from django.db import migrations

from catalog.categories import seed_categories


def add_categories(apps, schema_editor):
    seed_categories(apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_indexes")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
