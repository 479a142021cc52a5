from django.db import migrations

CATEGORIES = [
    ("makanan-minuman", "Makanan & Minuman"),
    ("fesyen", "Fesyen"),
    ("kerajinan", "Kerajinan"),
    ("kecantikan", "Kecantikan & Perawatan"),
    ("pertanian-perikanan", "Pertanian & Perikanan"),
    ("rumah-tangga", "Perlengkapan Rumah Tangga"),
    ("jasa", "Jasa"),
    ("lainnya", "Lainnya"),
]


def add_categories(apps, schema_editor):
    ShopCategory = apps.get_model("vendors", "ShopCategory")
    for slug, name in CATEGORIES:
        ShopCategory.objects.update_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("vendors", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
