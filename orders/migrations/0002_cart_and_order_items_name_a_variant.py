from django.db import migrations
from django.db.models import OuterRef, Subquery


def name_the_default_variant(apps, schema_editor):
    """Lines of products without options point at the default variant that now holds their stock."""
    ProductVariant = apps.get_model("catalog", "ProductVariant")
    first = ProductVariant.objects.filter(product_id=OuterRef("product_id")).order_by("position", "id")
    for model in ("CartItem", "OrderItem"):
        items = apps.get_model("orders", model).objects.filter(variant__isnull=True, product__isnull=False)
        items.update(variant_id=Subquery(first.values("pk")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("catalog", "0009_stock_on_variants"),
    ]

    operations = [migrations.RunPython(name_the_default_variant, migrations.RunPython.noop)]
