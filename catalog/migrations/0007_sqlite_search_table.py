from django.db import migrations

from catalog.migrations._statements import run_on

# SQLite only: PostgreSQL searches the stored tsvector and pg_trgm indexes (0002). The FTS5
# table holds one row per product (rowid = product id), written by
# catalog.services.refresh_search_vectors; this fills it for products that already exist.
CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS catalog_product_search "
    "USING fts5(name, category, shop, description, tokenize='trigram')",
    """INSERT INTO catalog_product_search (rowid, name, category, shop, description)
    SELECT p.id, p.name, c.name || ' ' || coalesce(pc.name, ''), s.name, p.description
    FROM catalog_product AS p
    JOIN catalog_category AS c ON c.id = p.category_id
    LEFT JOIN catalog_category AS pc ON pc.id = c.parent_id
    JOIN vendors_shop AS s ON s.id = p.shop_id""",
]
DROP = ["DROP TABLE IF EXISTS catalog_product_search"]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0006_product_dimensions_variant_weight")]

    operations = [migrations.RunPython(run_on("sqlite", CREATE), run_on("sqlite", DROP))]
