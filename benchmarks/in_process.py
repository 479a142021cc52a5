"""Storefront pages timed in one process, through the WSGI application: no server, no network
client, so a change of a few percent shows through the noise of a shared machine.

    .venv/bin/python benchmarks/in_process.py                       # every group and audience
    .venv/bin/python benchmarks/in_process.py --groups category product --requests 5000

The application is marketplace.wsgi's, as gunicorn loads it (the collector frozen after its
warm-up). Needs PostgreSQL and Redis, like throughput.py, and uses its catalogue (10k, or
`--catalogue 100k`) and its URL plan (the first `--urls` URLs of each group; the plan's 32
logged-in buyers with a cart).
The audiences, each on the production settings otherwise:

- anon-miss: visitors without cookies, the whole-page cache off (PAGE_CACHE_SECONDS=0), shared
  fragments on and warmed by two rounds over the URLs first: what throughput.py's anon-miss rows
  serve, without gunicorn;
- buyer: the plan's buyers, one per request in turn, the page cache on and warmed;
- header-changed: the same, each request made right after its buyer's header went stale (their
  visitor version moved, as adding to the cart or a notification moves it): the first page
  after such a change, whose stored copy is current but whose header is not;
- first-view: visitors without cookies, the page cache off, every URL of the group asked for
  once, in turn, after the storefront version and the cards' version moved (every fragment
  stale): pages nobody asked for before, sharing with the pages before them in the run what
  real pages share (product cards, filter forms, a category's heading). What most pages of a
  long catalogue get. Ignores `--urls` and `--requests`; a group of one URL (home) is left out.
- after-edit: the same, but right after a vendor changed one product's price on the bulk page
  (`catalog.services.set_prices_and_stock`), every URL asked for twice before: what most pages
  of a busy marketplace get, whose vendors edit their products many times a minute. The edit
  makes every page and listing body stale, and that product's card.
- new-listing: the same, but after the listing bodies and page parts expired while the product
  cards lived on (FRAGMENT_CACHE_SECONDS against CARD_CACHE_SECONDS): each URL of the group asked
  for once, in turn, after every URL was asked for twice and every fragment but the cards was
  dropped. A page rendered anew around current cards: the best case of a listing nobody asked
  for in the last minute, whose cards other listings keep fresh.

Every answer must be a 200. Prints `in-process <group> <audience> median <ms> p90 <ms> cpu <ms>`
lines (cpu: the median of the thread's CPU time per request).
To compare two versions of the code, run the script of each in turn, several times: the
machine's speed moves between runs more than a small change does.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtools  # noqa: E402
import throughput  # noqa: E402
import vendor_edits  # noqa: E402

CATALOGUE = "10k"
AUDIENCES = ("anon-miss", "buyer", "header-changed", "first-view", "after-edit", "new-listing")
# Audiences with the plan's logged-in buyers and the page cache on.
BUYER_AUDIENCES = ("buyer", "header-changed")


def environ(path, cookie=None):
    """The WSGI environ of a GET of `path` (with its query) from a browser that accepts gzip."""
    path_info, _, query = path.partition("?")
    env = {"PATH_INFO": path_info, "QUERY_STRING": query, "HTTP_ACCEPT_ENCODING": "gzip, deflate"}
    if cookie:
        env["HTTP_COOKIE"] = cookie
    setup_testing_defaults(env)  # GET, host 127.0.0.1, an empty body
    return env


def request_once(handler, path, cookie=None):
    statuses = []
    response = handler(environ(path, cookie), lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(response)
    finally:
        response.close()
    if not statuses[0].startswith("200"):
        raise SystemExit(f"{path}: {statuses[0]}")


def timings_ms(handler, paths, cookies, requests, before=lambda cookie: None):
    """Each request's (wall time, CPU time of the thread), after two untimed rounds over the
    paths (fragments and pages warm); `before(cookie)` runs untimed before each. CPU time leaves
    out waiting for PostgreSQL and Redis, and time the machine gave to other work."""

    def cookie(n):
        return cookies[n % len(cookies)] if cookies else None

    warm(handler, paths, cookie)
    times = []
    for n in range(requests):
        before(cookie(n))
        times.append(timed_request(handler, paths[n % len(paths)], cookie(n)))
    return times


def header_goes_stale(cookie):
    """Move the visitor version of the buyer the cookie's hint names, as their cart's writes do."""
    from http.cookies import SimpleCookie

    from marketplace.pagecache import VISITOR_COOKIE, new_visitor_versions, visitor_version_key

    new_visitor_versions([visitor_version_key(SimpleCookie(cookie)[VISITOR_COOKIE].value)])


def warm(handler, paths, cookie=lambda n: None):
    """Two untimed rounds over the paths: fragments and pages in the cache."""
    for _ in range(2):
        for n, path in enumerate(paths):
            request_once(handler, path, cookie(n))


def first_views(handler, paths):
    """Each path asked for once, after every fragment went stale (the process warmed first)."""
    from marketplace.pagecache import every_card_changed, new_storefront_version

    warm(handler, paths[:1])
    new_storefront_version()
    every_card_changed()
    return [timed_request(handler, path) for path in paths]


def after_an_edit(handler, paths):
    """Each path asked for once, right after a vendor changed one product's price on the bulk
    page (every path asked for twice before)."""
    warm(handler, paths)
    vendor_edits.change_one_price()
    return [timed_request(handler, path) for path in paths]


def new_listings(handler, paths):
    """Each path asked for once, after every fragment but the product cards expired."""
    warm(handler, paths)
    drop_fragments_but_cards()
    return [timed_request(handler, path) for path in paths]


def drop_fragments_but_cards():
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    names = [name for name in client.scan_iter(match=b"*fragment:*", count=1000) if b":card:" not in name]
    if names:
        client.delete(*names)


def timed_request(handler, path, cookie=None):
    """(wall ms, CPU ms of the thread) of one request."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    request_once(handler, path, cookie)
    return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu_started) * 1000


def wall_and_cpu(times):
    """([wall ms], [CPU ms]) of timings_ms's (wall, CPU) pairs."""
    return [ms for ms, _ in times], [ms for _, ms in times]


# Audiences asking for each URL of a group once, after something made pages stale.
ONCE_EACH = {"first-view": first_views, "after-edit": after_an_edit, "new-listing": new_listings}


def prepared(catalogue=CATALOGUE):
    """The children's environment and the plan's path: catalogue, static files and plan ready."""
    env = loadtools.base_env(
        DATABASE_URL=loadtools.database_url(catalogue),
        REDIS_URL=loadtools.redis_url(catalogue),
        DJANGO_SETTINGS_MODULE="marketplace.settings",
    )
    loadtools.collectstatic(env)
    loadtools.ensure_catalogue(catalogue)
    throughput.plan_for(catalogue)  # the URLs and fresh buyers, kept at plan_path for the children
    return env, str(throughput.plan_path(catalogue))


def measure(audience, plan_path, groups, urls, requests):
    """Child process: Django on the production settings for `audience`, prints one line per group."""
    import json

    sys.path.insert(0, str(loadtools.ROOT))
    from marketplace.wsgi import application as handler  # what gunicorn serves, process set-up included

    plan = json.loads(Path(plan_path).read_text())
    cookies = plan["cookies"] if audience in BUYER_AUDIENCES else []
    before = header_goes_stale if audience == "header-changed" else lambda cookie: None
    for group in groups:
        if audience in ONCE_EACH:
            if len(plan["groups"][group]) < 2:
                continue
            times = ONCE_EACH[audience](handler, plan["groups"][group])
        else:
            times = timings_ms(handler, plan["groups"][group][:urls], cookies, requests, before)
        wall, cpu = wall_and_cpu(times)
        print(
            f"in-process {group} {audience} median {statistics.median(wall):.3f}"
            f" p90 {statistics.quantiles(wall, n=10)[-1]:.3f} cpu {statistics.median(cpu):.3f}",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", nargs="+", default=list(throughput.GROUPS))
    parser.add_argument("--audiences", nargs="+", default=list(AUDIENCES), choices=AUDIENCES)
    parser.add_argument("--urls", type=int, default=20, help="per group")
    parser.add_argument("--requests", type=int, default=3000, help="timed, per group and audience")
    parser.add_argument("--catalogue", default=CATALOGUE, choices=sorted(loadtools.CATALOGUES))
    parser.add_argument("--measure", nargs=2, metavar=("AUDIENCE", "PLAN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], args.measure[1], args.groups, args.urls, args.requests)
        return
    print(f"benchmarks/in_process.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    env, plan = prepared(args.catalogue)
    for audience in args.audiences:
        page_cache = "3600" if audience in BUYER_AUDIENCES else "0"
        command = [sys.executable, __file__, "--measure", audience, plan, "--groups", *args.groups]
        command += ["--urls", str(args.urls), "--requests", str(args.requests)]
        subprocess.run(command, cwd=loadtools.ROOT, env={**env, "PAGE_CACHE_SECONDS": page_cache}, check=True)
    print(f"{loadtools.machine()}")


if __name__ == "__main__":
    main()
