from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from catalog.migrations._statements import run_on

# GIN indexes exist on PostgreSQL only; SQLite (a newcomer's laptop) searches without them.
CREATE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS product_search_vector ON catalog_product USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS product_name_trigram ON catalog_product USING gin (name gin_trgm_ops)",
]
DROP_INDEXES = [
    "DROP INDEX IF EXISTS product_search_vector",
    "DROP INDEX IF EXISTS product_name_trigram",
]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_products")]

    operations = [
        TrigramExtension(),  # does nothing outside PostgreSQL
        migrations.RunPython(run_on("postgresql", CREATE_INDEXES), run_on("postgresql", DROP_INDEXES)),
    ]
