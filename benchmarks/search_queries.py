"""What each search costs the database at 100,000 products: its own queries, without the page.

    .venv/bin/python benchmarks/search_queries.py [--catalogue 100k] [--rounds 7]

`search_latency.py` says what buyers get through the page at 32 clients, where a search's
queries are a part among others and the machine's load moves every figure. This says what each
search of throughput.TERMS costs on its own, in one process: `catalog.selectors.search_products`
and the count its page shows, the median of --rounds runs each (no fragment cache, no page).
A search whose full-text pass finds nothing goes on to the typo pass and runs more than one
query: those are the typos (`kripik`, `kopi robsta`); the others are exact searches.

Needs PostgreSQL; builds or reuses the catalogue (see throughput.py). Prints
`search-queries <term> ms <median> queries <n>` for each term, then
`search-queries exact mean <ms> max <ms>` and `search-queries typo mean <ms> max <ms>`.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtools  # noqa: E402
import throughput  # noqa: E402

CATALOGUE = "100k"


def timed_search(term, rounds):
    """(median ms, queries) of one search: its matches found and counted, as its page does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.selectors import Filters, search_products

    times = []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            search_products(term, Filters()).count()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(queries)


def summary(kind, times):
    if not times:
        return f"search-queries {kind} none"
    return f"search-queries {kind} mean {statistics.mean(times):.1f} max {max(times):.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--catalogue", default=CATALOGUE, choices=sorted(loadtools.CATALOGUES))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    print(f"benchmarks/search_queries.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    loadtools.ensure_catalogue(args.catalogue)
    sys.path.insert(0, str(loadtools.ROOT))
    os.environ.update(
        loadtools.base_env(
            DATABASE_URL=loadtools.database_url(args.catalogue), DJANGO_SETTINGS_MODULE="marketplace.settings"
        )
    )
    import django

    django.setup()
    kinds = {"exact": [], "typo": []}
    for term in throughput.TERMS:
        ms, queries = timed_search(term, args.rounds)
        kinds["typo" if queries > 1 else "exact"].append(ms)
        print(f"search-queries {term.replace(' ', '+')} ms {ms:.1f} queries {queries}", flush=True)
    for kind, times in kinds.items():
        print(summary(kind, times))
    print(f"{args.catalogue} catalogue, {args.rounds} rounds each; {loadtools.machine()}")


if __name__ == "__main__":
    main()
