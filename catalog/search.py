"""Typo-tolerant product search on SQLite (the embedded default), from FTS5's trigram tokenizer.

PostgreSQL keeps a weighted tsvector per product and the words of product names under a pg_trgm
index (catalog.services, catalog.selectors); SQLite keeps one row per product in the FTS5 table
below. Both are written by the same `catalog.services.refresh_search_vectors`, and both answer
the same questions the same way: every word as a substring first ("kerip", "bu ani"), and only
when that finds nothing, names with a word close to each typed word ("kripik" for "Keripik",
"Padan" for "Pandan").
"""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

TABLE = "catalog_product_search"
# bm25 weights, in the table's column order: the name counts most, then category and shop.
WEIGHTS = (10.0, 4.0, 4.0, 1.0)
# The share of a word's trigrams a name must have, like pg_trgm.word_similarity_threshold.
SIMILARITY = 0.5
CREATE_TABLE = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(name, category, shop, description, tokenize='trigram')"
DROP_TABLE = f"DROP TABLE IF EXISTS {TABLE}"

ROWS_SQL = f"""
INSERT INTO {TABLE} (rowid, name, category, shop, description)
SELECT p.id, p.name, c.name || ' ' || coalesce(pc.name, ''), s.name, p.description
FROM catalog_product AS p
JOIN catalog_category AS c ON c.id = p.category_id
LEFT JOIN catalog_category AS pc ON pc.id = c.parent_id
JOIN vendors_shop AS s ON s.id = p.shop_id
WHERE 1 = 1
"""


def reindex(*, product_ids=None, shop_id=None):
    """Rewrite the FTS rows of some products, of one shop's, or of all (None)."""
    where, params = "", []
    if product_ids is not None:
        product_ids = list(product_ids)
        if not product_ids:
            return
        where += f" AND p.id IN ({', '.join(['%s'] * len(product_ids))})"
        params += product_ids
    if shop_id is not None:
        where += " AND p.shop_id = %s"
        params.append(shop_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid IN (SELECT p.id FROM catalog_product AS p WHERE 1 = 1{where})",
            params,
        )
        if product_ids is not None:
            # Rows of products deleted since they were indexed go too.
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(product_ids))})", product_ids
            )
        elif shop_id is None:
            cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(ROWS_SQL + where, params)


def trigrams(word):
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def inner_trigrams(word):
    """The trigrams FTS5 indexes (no padding); none for words under three letters."""
    return {word[i : i + 3] for i in range(len(word) - 2)}


def quoted(term):
    return '"' + term.replace('"', '""') + '"'


def word_similarity(word, text):
    """How much of `word` the closest word of `text` shares, from 0 to 1 (pg_trgm's idea)."""
    wanted = trigrams(word)
    best = max((len(wanted & trigrams(other)) for other in text.lower().split()), default=0)
    return best / len(wanted)


def matching(products, words):
    """(matches, order): products with every word as a substring, or failing that near spellings.

    `order(matches, limit)` gives the ids of at most `limit` matches, the best first.
    """
    long_words = [w for w in words if len(w) >= 3]
    exact = products
    for word in words:
        if len(word) < 3:  # FTS5 trigrams need three letters; a short word is a plain LIKE
            exact = exact.filter(
                Q(name__icontains=word)
                | Q(description__icontains=word)
                | Q(shop__name__icontains=word)
                | Q(category__name__icontains=word)
            )
    if long_words:
        exact = exact.filter(pk__in=fts_ids(" AND ".join(quoted(w) for w in long_words)))
    if exact.exists() or not long_words:
        return exact, lambda matches, limit: by_rank(matches, " AND ".join(map(quoted, long_words)), limit)
    return near_spellings(products, long_words)


def fts_ids(expression):
    return RawSQL(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", [expression])


def ranks(expression, ids):
    """{product id: bm25 rank} (lower is better) of the given products for the FTS expression."""
    if not ids or not expression:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT rowid, bm25({TABLE}, {', '.join(map(str, WEIGHTS))}) FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND rowid IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *ids])
        return dict(cursor.fetchall())


def by_rank(matches, expression, limit):
    candidates = list(matches.order_by("-id").values_list("pk", flat=True)[:limit])
    rank = ranks(expression, candidates)
    return sorted(candidates, key=lambda pk: (rank.get(pk, 0.0), -pk))


def near_spellings(products, words):
    """Products whose name has a word close to each typed word (like PostgreSQL's pass).

    FTS5 finds the candidates sharing any trigram (OR-ed); Python keeps those whose name shares
    most of each word's trigrams, the closest first.
    """
    expression = " OR ".join(quoted(t) for t in sorted(set().union(*map(inner_trigrams, words))))
    candidates = products.filter(pk__in=fts_ids("{name}: (" + expression + ")"))
    close = [
        pk for pk, _ in scored(list(candidates.order_by("-id").values_list("pk", flat=True)[:480]), words)
    ]

    def order(matches, limit):
        return [pk for pk, _ in scored(list(matches.values_list("pk", flat=True)[:limit]), words)]

    return products.filter(pk__in=close), order


def scored(ids, words):
    """(id, score) of the products whose name is close enough to every word, best first."""
    if not ids:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, name FROM {TABLE} WHERE rowid IN ({marks})", ids)
        rows = cursor.fetchall()
    results = []
    for pk, name in rows:
        similarity = [word_similarity(w, name) for w in words]
        if min(similarity) >= SIMILARITY:
            results.append((pk, (sum(similarity), pk)))
    return sorted(results, key=lambda row: row[1], reverse=True)
