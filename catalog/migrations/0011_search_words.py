from django.db import migrations

from catalog.migrations._statements import run_on

# PostgreSQL only: the words of product names, each once, with a trigram index. A typo is looked
# up among these few thousand words instead of among every product's name (catalog.selectors.
# near_words); refresh_search_vectors adds the words of every product it indexes.
CREATE = [
    "CREATE TABLE IF NOT EXISTS catalog_search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_word_trigram ON catalog_search_word USING gin (word gin_trgm_ops)",
    """INSERT INTO catalog_search_word (word)
    SELECT DISTINCT lexeme FROM catalog_product, unnest(search_vector)
    WHERE 'A' = ANY(weights)
    ON CONFLICT DO NOTHING""",
]
DROP = ["DROP TABLE IF EXISTS catalog_search_word"]


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_product_status_table")]

    operations = [migrations.RunPython(run_on("postgresql", CREATE), run_on("postgresql", DROP))]
