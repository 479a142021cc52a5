"""What one purchase costs the web process, step by step: CPU and queries, in one process.

    .venv/bin/python benchmarks/checkout_steps.py [--rounds 300]

`checkout.py` says what 50 buyers at once get; this says where the web CPU of each order goes,
without a server, a load generator or a queue in the way. One buyer of `checkout.py`'s catalogue
(same database, same Redis db as cache and broker; its stock raised so that nothing sells out)
goes through the same six steps with Django's test client, in one long-lived process, for
--rounds purchases. Each step prints its median CPU milliseconds (the process's own CPU time,
quartiles beside) and its queries; `--show STEP` prints that step's SQL and a profile of it (the
profiled rounds count more CPU). The first rounds warm the process and are not counted.
Tasks are published to the broker as in production; no worker runs, and they are purged at the
end.
"""

import argparse
import cProfile
import pstats
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import checkout  # noqa: E402
import loadtools  # noqa: E402

WARM_ROUNDS = 30


def purchase(client, product, record):
    """The six steps of `checkout.py`'s buyer; `record(step, call)` runs and measures each."""
    record("product page", lambda: client.get(product.get_absolute_url()))
    added = record("add to cart", lambda: client.post("/keranjang/tambah/", {"product": product.pk}))
    record("cart page", lambda: client.get(added["Location"]))
    page = record("checkout page", lambda: client.get("/checkout/"))
    fields = checkout.checkout_fields(page.content.decode())
    placed = record("order button", lambda: client.post("/checkout/", fields))
    if checkout.classify_order_answer(placed.status_code, placed["Location"]) != "placed":
        sys.exit(f"the order was not placed: {placed.status_code} {placed.get('Location')}")
    record("order page", lambda: client.get(placed["Location"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument(
        "--show", choices=checkout.STEPS, help="also print this step's queries and its profile (cProfile)"
    )
    args = parser.parse_args()
    print(f"benchmarks/checkout_steps.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    loadtools.collectstatic(
        loadtools.base_env(DATABASE_URL=checkout.DATABASE_URL, REDIS_URL=checkout.REDIS_URL)
    )
    checkout.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalog import stock
    from catalog.models import Product, ProductVariant
    from marketplace.celery import app

    products, buyers = checkout.prepare(1, random.Random(12))
    product = Product.objects.get(pk=products[-1]["pk"])
    ProductVariant.objects.filter(product=product).update(stock=10_000_000)
    stock.refresh_listing([product.pk])
    client = Client()
    for name, value in buyers[0][1].items():
        client.cookies[name] = value  # the buyer's session, as checkout.py's buyers send it
    cpu, queries, last_queries = {}, {}, []

    profile = cProfile.Profile()

    def measured(step, call):
        shown = step == args.show
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            answer = profile.runcall(call) if shown else call()
            used = time.process_time() - started
        if shown:
            last_queries[:] = [query["sql"] for query in captured.captured_queries]
        if answer.status_code >= 400:
            sys.exit(f"{step}: {answer.status_code}")
        cpu.setdefault(step, []).append(used * 1000)
        queries.setdefault(step, []).append(len(captured))
        return answer

    for _ in range(WARM_ROUNDS):
        purchase(client, product, lambda step, call: call())
    for _ in range(args.rounds):
        purchase(client, product, measured)
    app.control.purge()
    print("| step | CPU ms p50 | p25–p75 | queries |")
    print("| --- | ---: | ---: | ---: |")
    for step in checkout.STEPS:
        q1, median, q3 = statistics.quantiles(cpu[step], n=4)
        print(f"| {step} | {median:.1f} | {q1:.1f}–{q3:.1f} | {statistics.median(queries[step]):.0f} |")
    if args.show:
        print(f"\n{args.show}: its queries in the last round, then where its CPU went (profiled)")
        for number, sql in enumerate(last_queries, 1):
            print(f"{number:3} {sql[:160]}")
        ours = re.escape(str(loadtools.ROOT)) + r"/(?!\.venv)"  # the project's code, not its packages
        pstats.Stats(profile).sort_stats("cumulative").print_stats(ours, 40)
    total = sum(statistics.median(cpu[step]) for step in checkout.STEPS)
    print(f"checkout steps CPU ms per order {total:.1f}")
    print(f"{args.rounds} purchases; {loadtools.machine()}")


if __name__ == "__main__":
    main()
