"""Search latency (p50/p95) over many terms, with and without the GIN indexes, and listing throughput.

    .venv/bin/python benchmarks/search_latency.py [--rounds 3] [--requests 200]

Each search runs what the search page runs: the count for the paginator and the first page of
24 cards (products with shop, region, category, and the primary photos prefetched). The run
"without indexes" drops them inside a transaction that is rolled back.
"""

import argparse
import time

from common import setup_django, summary

TERMS = [
    # Whole words, prefixes, several words, shop and category names, and typos.
    "keripik", "keripik singkong", "keripik pedas", "sambal", "sambal roa", "kopi", "kopi robusta", "batik",
    "batik tulis", "kemeja batik", "tas", "tas rajut", "dompet kulit", "rotan", "keranjang", "gerabah",
    "sabun", "sabun sereh", "lulur", "manggis", "nanas", "salak", "cabai", "alpukat", "ikan asin", "terasi",
    "abon", "bolu", "brownies", "nastar", "kastengel", "bika ambon", "rengginang", "opak", "basreng",
    "emping", "peyek", "teh melati", "talenan", "centong", "vas", "cobek", "tikar", "topi bambu", "dapur",
    "bu ani", "warung", "organik", "premium pedas", "homemade", "ker", "kop", "bat",
    "kripik", "sambel", "kopi robsta", "batk", "rotn", "brownis", "kastangel", "alpukad", "singkog",
    "pedass", "manggis segar", "abon ikan tradisional", "kerupuk kemplang", "tudung saji", "minyak kayu putih",
]  # fmt: skip
DROP = ["DROP INDEX product_search_vector", "DROP INDEX product_name_trigram"]


def run_searches(rounds):
    from django.core.paginator import Paginator

    from catalog.selectors import PAGE_SIZE, search_products

    timings, hits = [], {}
    for _ in range(rounds):
        for term in TERMS:
            started = time.perf_counter()
            page = Paginator(search_products(term), PAGE_SIZE).get_page(1)
            cards = list(page.object_list)
            timings.append((time.perf_counter() - started) * 1000)
            hits[term] = (page.paginator.count, len(cards))
    return timings, hits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=150)
    args = parser.parse_args()
    setup_django()
    from django.db import connection, transaction

    from catalog.models import Product

    print(f"products: {Product.objects.visible().count()}; terms: {len(TERMS)}; rounds: {args.rounds}")
    run_searches(1)  # warm the caches
    with_index, hits = run_searches(args.rounds)
    report("search with indexes", with_index)
    misses = [term for term, (count, _) in hits.items() if count == 0]
    print(f"  terms with no result: {misses or 'none'}")

    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in DROP:
                cursor.execute(statement)
        without_index, _ = run_searches(1)
        transaction.set_rollback(True)
    report("search without indexes", without_index)

    listing_throughput(args.requests)


def listing_throughput(n):
    from django.test import Client, override_settings

    urls = [
        "/",
        "/cari/",
        "/cari/?q=keripik",
        "/kategori/makanan-minuman/",
        "/cari/?province=32&sort=price_asc",
    ]
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    from django.conf import settings

    with override_settings(STORAGES={**settings.STORAGES, "staticfiles": static}, SECURE_SSL_REDIRECT=False):
        client = Client()
        for url in urls:
            assert client.get(url).status_code == 200, url
        for url in urls:
            timings = []
            started = time.perf_counter()
            for _ in range(n // len(urls)):
                t = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - t) * 1000)
            elapsed = time.perf_counter() - started
            stats = summary(timings)
            print(
                f"listing {url:40} {len(timings) / elapsed:6.1f} pages/s on one process "
                f"(p50 {stats['p50']:.1f} ms, p95 {stats['p95']:.1f} ms)"
            )


def report(label, timings):
    stats = summary(timings)
    print(
        f"{label}: n={stats['n']} p50={stats['p50']:.1f} ms p95={stats['p95']:.1f} ms "
        f"max={stats['max']:.1f} ms mean={stats['mean']:.1f} ms"
    )


if __name__ == "__main__":
    main()
