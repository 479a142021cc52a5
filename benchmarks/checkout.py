"""Checkout throughput and latency with 50 concurrent buyers on PostgreSQL.

    .venv/bin/python benchmarks/checkout.py [--buyers 50] [--rounds 10] [--append]

Runs on its own database (BENCH_DATABASE_URL, default warung_orders_bench; created and migrated
if missing). Each buyer is a thread with its own database connection and its own test client
posting the real checkout form (view, form, service, row updates, notifications), so the figures
include the whole request except the network. Three workloads:

- baseline: one buyer alone, to read the others against;
- spread: every checkout buys two products from two shops, chosen among 40 products;
- hot: every buyer buys the same product at the same moment (one row, 50 writers).

One Python process with threads: the GIL caps throughput, so read the figures as "what one
worker process sustains under contention", not as a fleet's capacity. Tasks run eagerly and
e-mails go to memory, as without a broker.
"""

import argparse
import itertools
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/warung_orders_bench"


def setup_django():
    sys.path.insert(0, str(ROOT))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.rsplit("/", 1)[-1].startswith("warung_orders_bench"):
        sys.exit("The benchmark writes and deletes data: use a database named warung_orders_bench…")
    os.environ["DATABASE_URL"] = url
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("SECURE", "0")
    create_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)


def create_database(url):
    import psycopg2

    name = url.rsplit("/", 1)[-1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def prepare(buyers):
    """A clean slate: two shops, 40 products with plenty of stock, `buyers` buyers with an address."""
    from django.contrib.auth import get_user_model

    from catalog.models import Product
    from orders.models import Cart, Checkout, Order
    from orders.tests.factories import BATAM, make_address, make_product, make_shop
    from vendors.models import Shop

    Order.objects.all().delete()
    Checkout.objects.all().delete()
    Cart.objects.all().delete()
    Product.objects.all().delete()
    Shop.objects.all().delete()
    get_user_model().objects.filter(email__endswith="@bench.test").delete()
    User = get_user_model()
    owners = [User.objects.create_user(email=f"owner{n}@bench.test", first_name="Pemilik") for n in (1, 2)]
    shops = [make_shop(owners[0], name="Dapur Bench"), make_shop(owners[1], name="Batik Bench", where=BATAM)]
    products = [[make_product(shop, stock=1_000_000) for _ in range(20)] for shop in shops]
    people = []
    for n in range(buyers):
        user = User.objects.create_user(email=f"buyer{n}@bench.test")
        make_address(user)
        people.append(user)
    return shops, products, people


def fill_cart(user, lines):
    from orders.tests.factories import cart_with

    cart_with(user, *lines)


def run(buyers, rounds, pick_lines, shops):
    """Each buyer posts `rounds` checkouts; all start together. Returns (latencies in ms, seconds, errors)."""
    from django.db import connection
    from django.test import Client

    barrier = threading.Barrier(len(buyers))
    latencies, errors, lock = [], [], threading.Lock()
    tokens = itertools.count()

    def buyer_loop(index, user):
        client = Client()
        client.force_login(user)
        address = user.addresses.get().pk
        try:
            barrier.wait()
            for round_ in range(rounds):
                lines = pick_lines(index, round_)
                fill_cart(user, lines)
                form = {"token": f"bench-{next(tokens)}", "address": address}
                for shop in {product.shop_id for product, _ in lines}:
                    form[f"shipping_{shop}"] = "pickup"
                    form[f"payment_{shop}"] = "transfer"
                started = time.perf_counter()
                response = client.post("/checkout/", form)
                elapsed = (time.perf_counter() - started) * 1000
                ok = response.status_code == 302 and "/checkout/" in response["Location"]
                with lock:
                    (latencies if ok else errors).append(elapsed if ok else response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer_loop, args=(i, u)) for i, u in enumerate(buyers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, errors


def report(name, latencies, seconds, errors):
    line = (
        f"| {name} | {len(latencies)} | {len(errors)} | {len(latencies) / seconds:.1f} | "
        f"{percentile(latencies, 0.5):.0f} | {percentile(latencies, 0.95):.0f} | "
        f"{percentile(latencies, 0.99):.0f} | {max(latencies):.0f} | {statistics.fmean(latencies):.0f} |"
    )
    print(line)
    return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--append", action="store_true", help="append the figures to benchmarks/RESULTS.md")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from catalog.models import Product
    from orders.models import OrderItem

    shops, products, buyers = prepare(args.buyers)
    hot = products[0][0]

    def spread(index, round_):
        return [(products[0][(index + round_) % 20], 1), (products[1][(index * 7 + round_) % 20], 1)]

    def same_product(index, round_):
        return [(hot, 1)]

    header = "| workload | checkouts | failed | checkouts/s | p50 ms | p95 ms | p99 ms | max ms | mean ms |"
    print(
        f"{args.buyers} concurrent buyers × {args.rounds} checkouts, PostgreSQL {connection.pg_version // 10000}"
    )
    print(header)
    # One buyer alone: the cost of a checkout without queueing, to read the others against.
    lines = [report("baseline: 1 buyer, sequential", *run(buyers[:1], args.rounds * 5, spread, shops))]
    lines.append(report("spread: 2 shops, 40 products", *run(buyers, args.rounds, spread, shops)))
    lines.append(
        report(f"hot: one product, {len(buyers)} writers", *run(buyers, args.rounds, same_product, shops))
    )

    sold = sum(OrderItem.objects.filter(product=hot).values_list("quantity", flat=True))
    # The hot product also appears in the other workloads; every unit sold must come off its stock.
    hot.refresh_from_db()
    consistent = hot.stock + sold == 1_000_000
    print(f"hot product: {sold} sold, stock {hot.stock}, stock + sold = 1,000,000: {consistent}")
    assert consistent and Product.objects.filter(stock__lt=0).count() == 0

    if args.append:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        text = [
            "",
            "## Orders",
            "",
            f"`benchmarks/checkout.py --buyers {args.buyers} --rounds {args.rounds}` on {stamp}: "
            f"{args.buyers} buyer threads, each with its own connection and test client, posting the checkout "
            "form (whole request, no network; one process, so the GIL caps throughput). "
            f"Stock stayed consistent (stock + sold units = initial stock): {consistent}.",
            "",
            header,
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *lines,
            "",
        ]
        with open(ROOT / "benchmarks" / "RESULTS.md", "a") as results:
            results.write("\n".join(text))


if __name__ == "__main__":
    main()
