from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# GIN indexes exist on PostgreSQL only; SQLite (a newcomer's laptop) searches without them.
CREATE_INDEXES = [
    "CREATE INDEX IF NOT EXISTS product_search_vector ON catalog_product USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS product_name_trigram ON catalog_product USING gin (name gin_trgm_ops)",
]
DROP_INDEXES = [
    "DROP INDEX IF EXISTS product_search_vector",
    "DROP INDEX IF EXISTS product_name_trigram",
]


def run_on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_products")]

    operations = [
        TrigramExtension(),  # does nothing outside PostgreSQL
        migrations.RunPython(run_on_postgres(CREATE_INDEXES), run_on_postgres(DROP_INDEXES)),
    ]
