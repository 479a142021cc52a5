"""Checkout under real load: 50 buyers at once on gunicorn, PostgreSQL, Redis and a Celery worker.

    make bench-checkout          # .venv/bin/python benchmarks/checkout.py [--buyers 50] [--seconds 60]
    .venv/bin/python benchmarks/checkout.py --quick          # 20 s
    .venv/bin/python benchmarks/checkout.py --think 2        # buyers reading each page ~2 s

Runs on its own database (BENCH_CHECKOUT_DATABASE_URL, default warung_bench_checkout; created and
migrated if missing, emptied of shops, products, carts and orders at each run) with Redis db 11
(BENCH_CHECKOUT_REDIS_URL) as cache and broker. It starts the marketplace under gunicorn
(loadtools.GUNICORN: `--workers 2 --threads 4 --worker-class gthread --reuse-port`) and a Celery
worker, then several load processes (--processes, default 5), each running a share of the buyers
as threads over keep-alive HTTP connections. Every buyer is a real account with an address and a session, and
goes through what a phone does: the product page, "add to cart" and the cart it leads to, the
checkout page (its form read from the HTML: token, address, shipping, payment, seen total), the
order button and the order's page it leads to. Like a browser, a buyer follows those two
redirects at once (until 2026-12-07 they did not: the message each one leaves, "Added to your
cart" and the order's confirmation, was then still waiting in the session when the buyer opened
the next product page, which was therefore always rendered whole).

Stock is realistic: 12 popular products have 3 to 15 units and sell out during the run (buyers
pick them more often), 28 others have 40 to 400. A buyer who loses the last unit is sent back to
the cart with a clear message: counted as "sold out", not as an error, and the buyer empties the
cart. A buyer whose product page already says it is sold out (its button is disabled) counts it
as "seen sold out". Either way the buyer picks another product and, as people do, does not open
that one again (until 2026-12-05 buyers opened the same sold-out product again and again: about
two wasted product pages for every order). Errors are answers of 500 and above, unexpected
answers and connection errors. After the run the database is checked: units sold per product
never exceed its initial stock, and the stock left plus the units sold equals the initial stock
("units oversold" must be 0).

By default buyers go on at once after every answer, which is far harsher than 50 people on
phones: each keeps a request in flight all the time, so latency is mostly waiting in line.
`--think S` makes each buyer pause 0.5–1.5 × S seconds before each step, as people read a page.

Reports checkouts/s (orders placed per second of the run), p50/p95/p99 of the order button (the
POST that places the order, whatever its outcome), the other steps' p50/p95, errors and oversold
units, and the load generator's CPU use.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtools  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_CHECKOUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/warung_bench_checkout"
)
REDIS_URL = os.environ.get("BENCH_CHECKOUT_REDIS_URL", "redis://127.0.0.1:6379/11")
PORT = 8190
WORKER_LOG = Path(tempfile.gettempdir()) / "warung-bench-checkout-worker.log"
HOT_PRODUCTS, OTHER_PRODUCTS = 12, 28
STEPS = ("product page", "add to cart", "cart page", "checkout page", "order button", "order page")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REMOVE_FORM = re.compile(r'action="(/keranjang/\d+/hapus/)"')
# The product page's "add to cart" button when nothing is left (templates/orders/_add_to_cart.html).
STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
SOLD_OUT_BUTTON = re.compile(r'id="add-to-cart".*?<button type="submit" disabled>', re.S)


class FormFields(HTMLParser):
    """The fields a browser would submit from the form holding `marker` (a field's name).

    Hidden and text inputs with their values, the checked radio buttons and checkboxes;
    submit buttons are left out (the order button is pressed by name-less default).
    """

    def __init__(self, marker):
        super().__init__()
        self.marker = marker
        self.forms, self.current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {"action": attrs.get("action", ""), "fields": []}
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "image", "file"):
                return
            self.current["fields"].append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def fields(self, html):
        self.feed(html)
        for form in self.forms:
            if any(name == self.marker for name, _ in form["fields"]):
                return dict(form["fields"])
        return None


def checkout_fields(html):
    """The checkout form as a browser would post it, or None when the page has none."""
    return FormFields("token").fields(html)


def classify_order_answer(status, location):
    """What the order button's answer means: placed, sold-out, retry or error."""
    if status >= 500:
        return "error"
    if status == 302 and re.search(r"/checkout/\d+/$", location or ""):
        return "placed"
    if status == 302 and (location or "").endswith("/keranjang/"):
        return "sold-out"  # sent back to the cart with the line's problem (sold out, not enough)
    if status in (200, 302):
        return "retry"  # the form again (a total that moved) or the checkout page
    return "error"


class Browser:
    """One buyer's keep-alive connection with its own cookies."""

    def __init__(self, port, cookies, think=0.0, seed=0):
        self.port, self.cookies = port, dict(cookies)
        self.think, self.rng = think, random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def pause(self):
        """The buyer reads the page before the next step (`--think`)."""
        if self.think:
            time.sleep(self.rng.uniform(0.5, 1.5) * self.think)

    def send(self, method, path, body, headers):
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response, response.read().decode("utf-8", "replace")

    def reconnect(self):
        self.connection.close()
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method, path, form=None):
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Encoding": "identity",
        }
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            response, content = self.send(method, path, body, headers)
        except STALE_CONNECTION:
            # The server closed a keep-alive connection left idle while the buyer read the
            # page; a browser opens a new one and sends the request again, and so do we.
            self.reconnect()
            response, content = self.send(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            self.reconnect()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, response.getheader("Location", ""), content


def buyer_loop(browser, products, weights, deadline, seed, record):
    rng = random.Random(seed)
    sold_out = set()  # what this buyer saw sold out: people do not open it again and again
    while time.monotonic() < deadline:
        product = pick(products, weights, sold_out, rng)
        try:
            outcome = one_purchase(browser, product, rng, record)
        except (OSError, http.client.HTTPException):
            outcome = "error"
        record("outcome", outcome)
        if outcome in ("sold-out", "seen-sold-out"):
            sold_out.add(product["pk"])
        if outcome in ("sold-out", "error", "retry"):
            empty_cart(browser)


def pick(products, weights, sold_out, rng):
    """A product, popular ones more often, among those the buyer has not seen sold out."""
    left = [
        (product, weight)
        for product, weight in zip(products, weights, strict=True)
        if product["pk"] not in sold_out
    ] or list(zip(products, weights, strict=True))
    return rng.choices([product for product, _ in left], [weight for _, weight in left])[0]


def timed(record, step, call):
    started = time.perf_counter()
    answer = call()
    record(step, (time.perf_counter() - started) * 1000)
    return answer


def one_purchase(browser, product, rng, record):
    browser.pause()
    status, _, page = timed(record, "product page", lambda: browser.request("GET", product["url"]))
    if status != 200:
        return "error"
    if SOLD_OUT_BUTTON.search(page):
        return "seen-sold-out"
    token = CSRF_INPUT.search(page).group(1)
    form = {"csrfmiddlewaretoken": token, "product": product["pk"], "quantity": rng.choice([1, 1, 1, 2])}
    browser.pause()
    status, location, _ = timed(
        record, "add to cart", lambda: browser.request("POST", "/keranjang/tambah/", form)
    )
    if status != 302 or not followed(browser, record, "cart page", location):
        return "error"
    browser.pause()
    status, location, page = timed(record, "checkout page", lambda: browser.request("GET", "/checkout/"))
    if status == 302:
        return "sold-out" if location.endswith("/keranjang/") else "error"
    fields = checkout_fields(page) if status == 200 else None
    if fields is None:
        return "error"
    browser.pause()
    status, location, _ = timed(record, "order button", lambda: browser.request("POST", "/checkout/", fields))
    outcome = classify_order_answer(status, location)
    if outcome == "placed" and not followed(browser, record, "order page", location):
        return "error"
    return outcome


def followed(browser, record, step, location):
    """Follow a redirect at once, as a browser does; True when the page came."""
    path = urlsplit(location)._replace(scheme="", netloc="").geturl()
    status, _, _ = timed(record, step, lambda: browser.request("GET", path))
    return status == 200


def empty_cart(browser):
    try:
        status, _, page = browser.request("GET", "/keranjang/")
        token = CSRF_INPUT.search(page)
        for path in REMOVE_FORM.findall(page):
            browser.request("POST", path, {"csrfmiddlewaretoken": token.group(1)})
    except (OSError, http.client.HTTPException, AttributeError):
        pass


def load_process(buyers, products, weights, seconds, start_at, queue, think):
    """One load process: a thread per buyer; sends its timings and outcomes back through `queue`."""
    samples, lock = [], threading.Lock()

    def record(kind, value):
        with lock:
            samples.append((kind, value))

    while time.time() < start_at:
        time.sleep(0.01)
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=buyer_loop, args=(Browser(PORT, cookies, think, n), products, weights, deadline, n, record)
        )
        for n, cookies in buyers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put((samples, usage.ru_utime + usage.ru_stime))


# --- Set-up and checks, with Django in the parent process ---


def setup_django():
    sys.path.insert(0, str(loadtools.ROOT))
    if not DATABASE_URL.rsplit("/", 1)[-1].startswith("warung_bench"):
        sys.exit("The benchmark writes and deletes data: use a database named warung_bench…")
    os.environ.update(loadtools.base_env(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    loadtools.create_database(DATABASE_URL)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from marketplace.models import District

    if not District.objects.exists():
        call_command("load_regions", verbosity=0)


def prepare(buyer_count, rng):
    """A clean slate: 4 shops, 40 products with realistic stock, buyers with an address and a session."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from catalog.models import Product
    from orders.models import Cart, Checkout, Order
    from orders.tests.factories import BATAM, make_address, make_product, make_shop
    from vendors.models import Shop

    Order.objects.all().delete()
    Checkout.objects.all().delete()
    Cart.objects.all().delete()
    Product.objects.all().delete()
    Shop.objects.all().delete()
    User = get_user_model()
    User.objects.filter(email__endswith="@bench.invalid").delete()
    owners = [
        User.objects.create_user(email=f"owner{n}@bench.invalid", first_name="Pemilik") for n in range(4)
    ]
    shops = [
        make_shop(owner, name=f"Toko Beban {n}", **({"where": BATAM} if n % 2 else {}))
        for n, owner in enumerate(owners)
    ]
    products = []
    for n in range(HOT_PRODUCTS + OTHER_PRODUCTS):
        hot = n < HOT_PRODUCTS
        stock = rng.choice([3, 5, 8, 10, 15]) if hot else rng.randrange(40, 401)
        product = make_product(shops[n % len(shops)], stock=stock, price=rng.randrange(10_000, 200_000, 500))
        products.append(
            {
                "pk": product.pk,
                "url": product.get_absolute_url(),
                "stock": stock,
                "weight": 6 if hot else 1,  # popular products are asked for six times as often
            }
        )
    buyers = []
    for n in range(buyer_count):
        user = User.objects.create_user(email=f"buyer{n}@bench.invalid", first_name=f"Pembeli {n}")
        make_address(user)
        client = Client()
        client.force_login(user)
        buyers.append((n, {name: morsel.value for name, morsel in client.cookies.items()}))
    return products, buyers


def oversold(products):
    """(units oversold, rows where stock + sold != initial stock), read from the database."""
    from django.db.models import Sum

    from catalog.models import Product, ProductVariant
    from orders.models import OrderItem

    over, inconsistent = 0, []
    for product in products:
        sold = OrderItem.objects.filter(product_id=product["pk"]).aggregate(n=Sum("quantity"))["n"] or 0
        left = Product.objects.get(pk=product["pk"]).stock
        variants_left = ProductVariant.objects.filter(product_id=product["pk"]).aggregate(n=Sum("stock"))["n"]
        over += max(0, sold - product["stock"])
        if left + sold != product["stock"] or variants_left + sold != product["stock"] or left < 0:
            inconsistent.append((product["pk"], product["stock"], sold, left, variants_left))
    return over, inconsistent


def start_worker(env):
    """The Celery worker that sends the order notifications; its output (the e-mails, printed
    by the console backend) goes to a log file."""
    command = [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "--loglevel", "WARNING"]
    command += ["--concurrency", "1", "--pool", "prefork", "--without-mingle", "--without-gossip"]
    log = open(WORKER_LOG, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(command, cwd=loadtools.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def report(samples, seconds, generator_cpu, over, inconsistent, args):
    outcomes = [value for kind, value in samples if kind == "outcome"]
    placed = outcomes.count("placed")
    errors = outcomes.count("error")
    print(
        f"\n{args.buyers} buyers (think {args.think:g} s) for {seconds:.0f} s: {placed} orders placed = {placed / seconds:.1f} checkouts/s; "
        f"sold out {outcomes.count('sold-out')}, seen sold out {outcomes.count('seen-sold-out')}, asked again {outcomes.count('retry')}, errors {errors}"
    )
    print("| step | n | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for step in STEPS:
        times = [value for kind, value in samples if kind == step]
        if times:
            p = [loadtools_percentile(times, f) for f in (0.5, 0.95, 0.99)]
            print(f"| {step} | {len(times)} | {p[0]:.0f} | {p[1]:.0f} | {p[2]:.0f} | {max(times):.0f} |")
    print(
        f"load generator: {args.processes} processes, {generator_cpu:.1f} CPU s in {seconds:.0f} s "
        f"({generator_cpu / seconds:.0%} of one core)"
    )
    print(f"units oversold: {over}; products whose stock + sold != initial stock: {len(inconsistent)}")
    for row in inconsistent:
        print(f"  product {row[0]}: initial {row[1]}, sold {row[2]}, left {row[3]} (variants {row[4]})")
    order_button = [value for kind, value in samples if kind == "order button"]
    if order_button:
        print(f"checkout p95 {loadtools_percentile(order_button, 0.95):.0f} ms")
    print(f"checkouts/s {placed / seconds:.1f}")
    print(f"errors {errors}")
    print(f"oversold {over}")


def loadtools_percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buyers", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a 20-second run")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a buyer reads each page (0.5–1.5 ×)"
    )
    args = parser.parse_args()
    seconds = args.seconds or (20 if args.quick else 60)
    print(f"benchmarks/checkout.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    setup_django()
    products, buyers = prepare(args.buyers, random.Random(12))
    from django.db import connections

    connections.close_all()
    env = loadtools.base_env(DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL)
    loadtools.collectstatic(env)
    site = loadtools.Server("marketplace.wsgi:application", PORT, env, health="/healthz").start()
    worker = start_worker(env)
    try:
        weights = [product["weight"] for product in products]
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        start_at = time.time() + 3
        shares = [buyers[n :: args.processes] for n in range(args.processes)]
        processes = [
            context.Process(
                target=load_process, args=(share, products, weights, seconds, start_at, queue, args.think)
            )
            for share in shares
        ]
        cpu_before = site.cpu_seconds()
        for process in processes:
            process.start()
        samples, generator_cpu = [], 0.0
        for _ in processes:
            process_samples, cpu = queue.get()
            samples += process_samples
            generator_cpu += cpu
        for process in processes:
            process.join()
        web_cpu = site.cpu_seconds() - cpu_before
        # Buyers start no purchase after the deadline but finish the one under way: count that time too.
        elapsed = time.time() - start_at
    finally:
        site.stop()
        worker.terminate()
        worker.wait(timeout=30)
    over, inconsistent = oversold(products)
    report(samples, elapsed, generator_cpu, over, inconsistent, args)
    placed = sum(1 for kind, value in samples if kind == "outcome" and value == "placed")
    print(
        f"web workers' CPU: {web_cpu:.1f} s = {1000 * web_cpu / max(placed, 1):.0f} ms per order placed ({len(STEPS)} requests)"
    )
    print(f"{loadtools.machine()}; worker log: {WORKER_LOG}")


if __name__ == "__main__":
    main()
