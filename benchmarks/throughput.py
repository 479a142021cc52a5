"""Storefront throughput against a bare Django page, for every kind of visitor, in one command.

    make bench-quick            # .venv/bin/python benchmarks/throughput.py --quick   (10k, < 5 min)
    make bench                  # .venv/bin/python benchmarks/throughput.py           (10k and 100k)

Needs PostgreSQL, Redis and wrk (Debian package `wrk`). The catalogues are built on first use in
`warung_bench_10k` and `warung_bench_100k` (BENCH_DATABASE_TEMPLATE) and reused afterwards; the
marketplace caches in Redis db 10 and 11 (BENCH_REDIS_URL_10K, BENCH_REDIS_URL_100K).

What runs: the yardstick (`bare_site.py`, 24 static cards, no middleware, no database) and the
marketplace, each under gunicorn `--workers 2 --threads 4 --worker-class gthread --reuse-port`
(loadtools.GUNICORN), loaded by wrk (2 threads, 32 connections) over loopback. Three audiences:

- anon-hit: visitors without cookies on the production set-up (whole-page cache on, warmed);
- anon-miss: the same visitors with the page cache off (PAGE_CACHE_SECONDS=0 on a second
  marketplace server): a first view, a filtered listing, an expired page. Shared fragments stay
  on (FRAGMENT_CACHE_SECONDS, 60 s): a listing body or a product page asked for within the last
  minute is put together from them, anything older or changed since is rendered again, as on a
  real site; search_latency.py's every-query row measures pages with no fragment at all;
- buyer: logged-in buyers with a non-empty cart (real accounts and sessions, one per request in
  turn), on the production set-up.

Pages: home, categories and their pages, product pages, searches (whole words, short words,
typos), filtered listings, and links shared with tracking parameters (`?fbclid=`, `utm_*`, a new
value per request). Each audience sees several hundred distinct URLs. The bare page is measured
before and after each audience's block, in rounds, and each figure is divided by the higher of
those two bare rates, so a busy machine slows both sides of a ratio and a bare run that something
else slowed does not flatter the pages beside it. Within a block the pages run in the order above,
and the other way round every other round (until 2026-12-08 always in that order, so shared links
always came last, after the longest stretch of load).

The table gives req/s, p50 and p99, errors (any answer but 200, connection errors, timeouts),
the share of page-cache hits, SQL queries and HTML bytes per page (one request per URL of the
first few URLs of each group, through Django's test client), the web workers' CPU time per
request, wrk's own CPU use (above ~60 % of a core the generator may be the limit) and the ratio.
It ends with one line per figure: `ratio <catalogue>/<page> <audience> <value>`.

Full run: both catalogues, 220 URLs per group, 8 s per figure, 3 rounds (about 25 minutes).
--quick: the 10k catalogue, 100 URLs per group (SQL and size from 2 of them), 4 s per figure,
2 rounds (3–5 minutes). On a
busy machine a 4-second run completes few rendered pages: read the "requests" column first.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtools  # noqa: E402

AUDIENCES = ("anon-hit", "anon-miss", "buyer")
GROUPS = ("home", "category", "product", "search", "filtered", "shared-link")
BUYERS = 32
SAMPLED_URLS = 4  # per group and audience, for the SQL and size columns (2 with --quick)
TERMS = [
    # Whole words, several words, shop and category words, short words and typos.
    "keripik", "keripik singkong", "keripik pedas", "sambal", "sambal roa", "kopi", "kopi robusta", "batik",
    "batik tulis", "kemeja batik", "tas", "tas rajut", "dompet kulit", "rotan", "keranjang", "gerabah",
    "sabun", "sabun sereh", "lulur", "manggis", "nanas", "salak", "cabai", "alpukat", "ikan asin", "terasi",
    "abon", "bolu", "brownies", "nastar", "kastengel", "bika ambon", "rengginang", "opak", "basreng",
    "emping", "peyek", "teh melati", "talenan", "centong", "vas", "cobek", "tikar", "topi bambu", "dapur",
    "bu ani", "warung", "organik", "premium pedas", "homemade", "ker", "kop", "bat", "teh", "ik",
    "kripik", "sambel", "kopi robsta", "batk", "rotn", "brownis", "kastangel", "alpukad", "singkog",
    "pedass", "manggis segar", "abon ikan tradisional", "kerupuk kemplang", "tudung saji", "minyak kayu putih",
]  # fmt: skip
SORTS = ["", "newest", "price_asc", "price_desc", "best_selling"]
TRACKING = [
    "fbclid=IwAR{rand}",
    "utm_source=whatsapp&utm_medium=social&utm_campaign=promo{rand}",
    "gclid=Cj0K{rand}",
]


def quote(text):
    from urllib.parse import quote_plus

    return quote_plus(text)


def build_url_groups(data, rng, per_group=220):
    """Paths per page group, from the catalogue's `data` (see catalogue_data()); pure, so tested.

    A "{rand}" in a path is replaced by a new number on every request.
    """
    categories, products, regions = data["categories"], data["products"], data["regions"]
    slugs = [slug for slug, _pages in categories]
    category_pages = [f"/kategori/{slug}/" for slug in slugs] + [
        f"/kategori/{slug}/?page={page}" for slug, pages in categories for page in range(2, pages + 1)
    ]
    product_pages = [f"/toko/{shop}/{slug}/" for shop, slug in products]
    searches = [f"/cari/?q={quote(term)}" for term in TERMS] + [
        f"/cari/?q={quote(term)}&page=2" for term in TERMS
    ]
    searches += [f"/cari/?q={quote(term)}&sort={sort}" for term in TERMS for sort in SORTS[1:]]
    groups = {
        "home": ["/"],
        "category": sample(category_pages, per_group, rng),
        "product": sample(product_pages, per_group, rng),
        "search": sample(searches, per_group, rng),
        "filtered": sample(
            {filtered_listing(slugs, regions, rng) for _ in range(per_group * 2)}, per_group, rng
        ),
        "shared-link": [
            f"{rng.choice(product_pages + category_pages[: len(slugs)])}?{rng.choice(TRACKING)}"
            for _ in range(per_group)
        ],
    }
    return groups


def sample(items, count, rng):
    items = sorted(set(items))
    return rng.sample(items, min(count, len(items)))


def filtered_listing(categories, regions, rng):
    """A category or a search narrowed by one to three filters, as buyers combine them."""
    base = (
        f"/kategori/{rng.choice(categories)}/"
        if rng.random() < 0.6
        else f"/cari/?q={quote(rng.choice(TERMS))}"
    )
    province, regency = rng.choice(regions)
    choices = [
        f"province={province}",
        f"province={province}&regency={regency}",
        f"min_price={rng.choice([5000, 10000, 25000])}&max_price={rng.choice([50000, 100000, 250000])}",
        "halal=on",
        "in_stock=on",
        f"sort={rng.choice(SORTS[1:])}",
    ]
    query = "&".join(rng.sample(choices, rng.randint(1, 3)))
    return f"{base}{'&' if '?' in base else '?'}{query}"


# --- In the child process, with Django: the catalogue's URLs, buyers and per-page figures ---


def catalogue_data(rng):
    from django.db.models import Count

    from catalog.models import Category, Product
    from vendors.models import Shop

    products = list(
        Product.objects.visible().order_by("?").values_list("shop__slug", "slug")[:2000]
    )  # a random spread, not the newest
    districts = Shop.objects.filter(status=Shop.Status.APPROVED).values_list("district_id", flat=True)
    regions = sorted({(code[:2], code[:5]) for code in districts if code})
    visible = Product.objects.visible()
    counts = dict(visible.values_list("category_id").annotate(n=Count("id")).order_by())
    categories = Category.objects.filter(pk__in=counts).select_related("parent")
    parents = {c.parent for c in categories if c.parent}
    pages = {c.slug: counts[c.pk] for c in categories}
    for parent in parents:
        pages[parent.slug] = sum(counts[c.pk] for c in categories if c.parent_id == parent.pk)
    return {
        # (slug, pages of 24 cards that have products, at most 15): deep pages are rarely opened.
        "categories": sorted((slug, max(1, min(15, -(-n // 24)))) for slug, n in pages.items()),
        "products": products,
        "regions": regions,
    }


def make_buyers(count):
    """`count` logged-in buyers with an item in their cart: their Cookie headers."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from catalog.models import Product

    User = get_user_model()
    User.objects.filter(email__startswith="shopper", email__endswith="@bench.invalid").delete()
    in_stock = list(Product.objects.visible().filter(stock__gt=5).values_list("pk", flat=True)[:500])
    cookies = []
    for n in range(count):
        user = User.objects.create_user(email=f"shopper{n}@bench.invalid", first_name=f"Pembeli {n}")
        client = Client()
        client.force_login(user)
        response = client.post(
            "/keranjang/tambah/", {"product": in_stock[n % len(in_stock)], "quantity": "1"}
        )
        assert response.status_code == 302, response.status_code
        client.get("/keranjang/")  # shows and so clears the "added" message
        client.get("/")  # as a browser keeps it: the cookie naming the visitor (pagecache.VISITOR_COOKIE)
        assert user.cart.items.exists(), "the buyer's cart stayed empty"
        cookies.append("; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items()))
    return cookies


def page_figures(groups, cookies, sampled=SAMPLED_URLS):
    """Mean SQL queries and HTML bytes per page, per group and audience, with the test client."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    def measure(template, cookie=None, cache_seconds=3600):
        with override_settings(PAGE_CACHE_SECONDS=cache_seconds):
            for _ in range(2):  # the first request warms the caches, the second is measured
                path = template.replace("{rand}", str(random.randint(10**8, 10**9)))  # a new click
                client = Client(HTTP_ACCEPT_LANGUAGE="id")
                if cookie:
                    client.defaults["HTTP_COOKIE"] = cookie
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(queries), len(response.content)

    figures = {}
    for group, paths in groups.items():
        for audience in AUDIENCES:
            samples = [
                measure(
                    path,
                    cookie=cookies[n % len(cookies)] if audience == "buyer" else None,
                    cache_seconds=0 if audience == "anon-miss" else 3600,
                )
                for n, path in enumerate(paths[:sampled])
            ]
            figures[f"{group} {audience}"] = {
                "queries": statistics.fmean(q for q, _ in samples),
                "bytes": statistics.fmean(b for _, b in samples),
            }
    return figures


def prepare(output, per_group):
    """Child process: Django on the catalogue's database, writes the plan as JSON to `output`."""
    import django

    sys.path.insert(0, str(loadtools.ROOT))
    django.setup()
    rng = random.Random(14)
    started = time.perf_counter()
    groups = build_url_groups(catalogue_data(rng), rng, per_group=per_group)
    cookies = make_buyers(BUYERS)
    plan = {
        "groups": groups,
        "cookies": cookies,
        "figures": page_figures(groups, cookies, 2 if per_group < 200 else SAMPLED_URLS),
    }
    print(f"URLs, {BUYERS} buyers and per-page figures ready in {time.perf_counter() - started:.0f} s")
    Path(output).write_text(json.dumps(plan))


# --- The parent process: servers, rounds, table ---


def start_servers(catalogue, ports):
    site_env = loadtools.base_env(
        DATABASE_URL=loadtools.database_url(catalogue), REDIS_URL=loadtools.redis_url(catalogue)
    )
    site = loadtools.Server(
        "marketplace.wsgi:application", ports[0], {**site_env, "PAGE_CACHE_SECONDS": "3600"}
    )
    uncached = loadtools.Server(
        "marketplace.wsgi:application", ports[1], {**site_env, "PAGE_CACHE_SECONDS": "0"}
    )
    for server in (site, uncached):
        server.health = "/healthz"
        server.start()
    return site, uncached


def plan_path(catalogue):
    return Path(f"/tmp/warung-bench-plan-{catalogue}.json")


def plan_for(catalogue, per_group=220):
    output = plan_path(catalogue)
    env = loadtools.base_env(
        DATABASE_URL=loadtools.database_url(catalogue),
        REDIS_URL=loadtools.redis_url(catalogue),
        DJANGO_SETTINGS_MODULE="marketplace.settings",
    )
    subprocess.run(
        [sys.executable, __file__, "--prepare", str(output), "--per-group", str(per_group)],
        cwd=loadtools.ROOT,
        env=env,
        check=True,
    )
    return json.loads(output.read_text())


def warm_all(server, groups):
    paths = [path for name, paths in groups.items() for path in paths if name != "shared-link"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda path: loadtools.warm(server, [path]), paths))


def measure_catalogue(catalogue, bare, plan, args, ports):
    site, uncached = start_servers(catalogue, ports)
    try:
        started = time.perf_counter()
        warm_all(site, plan["groups"])
        warm_all(uncached, {"home": ["/"]})
        print(f"{catalogue}: page cache warmed in {time.perf_counter() - started:.0f} s", flush=True)
        runs = {}  # "group audience" -> [(WrkResult, bare rate around it)]
        for round_ in range(args.rounds):
            bare_before = loadtools.run_wrk(bare, ["/"], seconds=args.seconds)
            for audience in AUDIENCES:
                server = uncached if audience == "anon-miss" else site
                cookies = plan["cookies"] if audience == "buyer" else ()
                block = []
                # Every other round the other way round: the last group of a block meets the
                # machine after the longest stretch of load, and that must not always be the same one.
                for group in GROUPS if round_ % 2 == 0 else reversed(GROUPS):
                    result = loadtools.run_wrk(
                        server, plan["groups"][group], seconds=args.seconds, cookies=cookies
                    )
                    block.append((f"{group} {audience}", result))
                bare_after = loadtools.run_wrk(bare, ["/"], seconds=args.seconds)
                # Other work on the machine can only slow a bare run, never speed it up: the faster
                # of the two around a block is the closer measure of what the machine serves.
                reference = max(bare_before.rate, bare_after.rate)
                for key, result in block:
                    runs.setdefault(key, []).append((result, reference))
                runs.setdefault("bare", []).append((bare_after, reference))
                print(
                    f"{catalogue} round {round_ + 1}/{args.rounds} {audience}: bare {bare_before.rate:.0f} "
                    f"({split(bare_before)}) → {bare_after.rate:.0f} ({split(bare_after)}) req/s; "
                    f"load {loadtools.load_average()}",
                    flush=True,
                )
                bare_before = bare_after
        return runs
    finally:
        site.stop()
        uncached.stop()


def split(result):
    """The client connections each gunicorn worker held during a run, as "18/14"."""
    return "/".join(map(str, result.connections))


def summarise(catalogue, runs, plan):
    """One row per page group and audience (and the bare page): figures over all rounds."""
    rows = []
    for key, results in runs.items():
        requests = sum(result.requests for result, _ in results)
        seconds = sum(result.seconds for result, _ in results)
        rate = requests / seconds
        reference = statistics.fmean(ref for _, ref in results)
        figures = plan["figures"].get(key, {"queries": 0, "bytes": 0})
        group, _, audience = key.partition(" ")
        rows.append(
            {
                "catalogue": catalogue,
                "page": group,
                "audience": audience or "-",
                "urls": len(plan["groups"].get(group, ["/"])),
                "requests": requests,
                "rate": rate,
                "p50": statistics.median(result.p50_ms for result, _ in results),
                "p99": max(result.p99_ms for result, _ in results),
                "errors": sum(result.errors for result, _ in results),
                "hits": sum(result.hits for result, _ in results) / requests if requests else 0,
                "queries": figures["queries"],
                "bytes": figures["bytes"],
                "cpu_ms": 1000 * sum(result.server_cpu for result, _ in results) / requests
                if requests
                else 0,
                "generator": max(result.generator_share for result, _ in results),
                "ratio": rate / reference if reference else 0,
            }
        )
    return rows


HEADER = (
    "| catalogue | page | audience | URLs | requests | req/s | p50 ms | p99 ms | errors | cache hits | SQL/page "
    "| HTML KB | web CPU ms/req | wrk CPU | ratio to bare |"
)


def format_row(row):
    return (
        f"| {row['catalogue']} | {row['page']} | {row['audience']} | {row['urls']} | {row['requests']} "
        f"| {row['rate']:.0f} "
        f"| {row['p50']:.1f} | {row['p99']:.0f} | {row['errors']} | {row['hits']:.0%} | {row['queries']:.1f} "
        f"| {row['bytes'] / 1024:.1f} | {row['cpu_ms']:.1f} | {row['generator']:.0%} | {row['ratio']:.2f} |"
    )


def ratio_lines(rows):
    return [
        f"ratio {row['catalogue']}/{row['page']} {row['audience']} {row['ratio']:.2f}"
        for row in rows
        if row["page"] != "bare"
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10k catalogue only, shorter runs (< 5 min)")
    parser.add_argument("--catalogues", default=None, help="comma-separated: 10k,100k")
    parser.add_argument("--seconds", type=int, default=None, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--per-group", type=int, default=None, help="URLs per page group (220; quick: 100)")
    parser.add_argument("--prepare", metavar="OUTPUT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        return prepare(args.prepare, args.per_group)
    catalogues = (args.catalogues or ("10k" if args.quick else "10k,100k")).split(",")
    args.seconds = args.seconds or (4 if args.quick else 8)
    args.rounds = args.rounds or (2 if args.quick else 3)
    args.per_group = args.per_group or (100 if args.quick else 220)

    command = " ".join(["benchmarks/throughput.py", *sys.argv[1:]])
    print(f"{command}: {loadtools.machine()}", flush=True)
    started = time.perf_counter()
    loadtools.collectstatic(loadtools.base_env())
    bare = loadtools.Server("benchmarks.bare_site:application", 8180, loadtools.base_env()).start()
    bare_bytes = len(urllib.request.urlopen(bare.base + "/", timeout=10).read())
    rows = []
    try:
        for n, catalogue in enumerate(catalogues):
            loadtools.ensure_catalogue(catalogue)
            plan = plan_for(catalogue, args.per_group)
            runs = measure_catalogue(catalogue, bare, plan, args, ports=(8181 + 2 * n, 8182 + 2 * n))
            plan["figures"]["bare"] = {"queries": 0, "bytes": bare_bytes}
            rows += summarise(catalogue, runs, plan)
    finally:
        bare.stop()
    print()
    print(HEADER)
    print("|" + " --- |" * 3 + " ---: |" * 12)
    for row in rows:
        print(format_row(row))
    print()
    print(f"finished in {time.perf_counter() - started:.0f} s; {loadtools.machine()}")
    for line in ratio_lines(rows):
        print(line)


if __name__ == "__main__":
    main()
