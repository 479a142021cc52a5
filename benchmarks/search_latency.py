"""Search through the page at 100,000 products: p50/p95/p99 at 32 concurrent clients.

    make bench-search            # .venv/bin/python benchmarks/search_latency.py [--seconds 30]
    .venv/bin/python benchmarks/search_latency.py --quick   # 10 s per audience

Needs PostgreSQL, Redis and wrk. Builds or reuses the 100,000-product catalogue (`warung_bench_100k`,
see throughput.py), starts the marketplace under gunicorn (loadtools.GUNICORN: `--workers 2
--threads 4 --worker-class gthread --reuse-port`) with the whole-page cache off, so every request
runs the search view and its template, and loads it with wrk (2 threads, 32 connections) over the search URLs of throughput.py: whole
words, several words, short words (`ker`, `ik`), typos (`kripik`, `kopi robsta`), second pages
and sorts. The rows:

- anonymous: shared fragments on (a listing body already rendered for the same query is reused),
  20 of the URLs asked for before, so the run starts with about 200 searches nobody made before;
- anonymous-repeat: the same right after, every search made before (as a popular query is);
- anonymous-edits: the same again while a vendor changes one price every second
  (vendor_edits.py, through the bulk page's service): every edit makes every listing body
  stale, so each search is rendered again once a second, around the cards that outlived it;
- buyer: logged-in buyers with a cart, on a server with the production settings (the page cache
  on, as deployed): each URL carries a parameter no listing reads (`&n=<random>`), so no stored
  page is found and each search is put together from the shared fragments around the buyer's
  stored header, as a buyer's search that nobody's stored page answers is. (Until 2026-12-07
  this row ran with the page cache off, which also turns off the stored headers: every page
  ran the header's four queries, which no deployment does but after the header changed.)
- every-query: anonymous visitors with the fragment cache off as well, so every request runs the
  search queries against the 100,000 products and renders every card.

Our target: p95 ≤ 50 ms on an otherwise idle machine.

The last column gives the client connections each gunicorn worker held halfway through the run.
wrk keeps its 32 connections open and a gthread worker keeps every connection it accepted; with
--reuse-port the kernel spreads them between the workers' sockets (splits like 18/14), where
without it one worker often took all 32 (until 2026-12-06).

The first row's p95 comes from its first searches: their fragments are gone after
FRAGMENT_CACHE_SECONDS (60 s), so each of them runs the search and renders its cards again
(those that no other page showed in the last CARD_CACHE_SECONDS). A run started within a minute
of another finds the fragments of the first still there, and its first row is a repeat.

Ends with `search <audience> p50 <ms> p95 <ms>` lines.
"""

import argparse
import contextlib
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtools  # noqa: E402
import throughput  # noqa: E402

CATALOGUE = "100k"
PORT = 8189


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--catalogue", default=CATALOGUE, choices=sorted(loadtools.CATALOGUES))
    parser.add_argument("--quick", action="store_true", help="10 s per audience")
    args = parser.parse_args()
    seconds = args.seconds or (10 if args.quick else 30)
    print(f"benchmarks/search_latency.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    loadtools.collectstatic(loadtools.base_env())
    loadtools.ensure_catalogue(args.catalogue)
    plan = throughput.plan_for(args.catalogue)
    paths = plan["groups"]["search"]
    deployed = loadtools.base_env(
        DATABASE_URL=loadtools.database_url(args.catalogue), REDIS_URL=loadtools.redis_url(args.catalogue)
    )
    env = {**deployed, "PAGE_CACHE_SECONDS": "0"}
    site = loadtools.Server("marketplace.wsgi:application", PORT, env, health="/healthz").start()
    uncached = loadtools.Server(
        "marketplace.wsgi:application", PORT + 1, {**env, "FRAGMENT_CACHE_SECONDS": "0"}, health="/healthz"
    ).start()
    production = loadtools.Server(
        "marketplace.wsgi:application", PORT + 2, deployed, health="/healthz"
    ).start()
    unstored = [f"{path}&n={{rand}}" for path in paths]
    lines = []
    try:
        loadtools.warm(site, paths[:20])
        loadtools.warm(uncached, paths[:20])
        loadtools.warm(production, unstored[:64], plan["cookies"])  # every buyer's header stored
        print(
            "| audience | URLs | requests | req/s | p50 ms | p95 ms | p99 ms | errors | web CPU ms/req | wrk CPU "
            "| connections per worker |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
        runs = (
            ("anonymous", site, ()),
            ("anonymous-repeat", site, ()),
            ("anonymous-edits", site, ()),
            ("buyer", production, plan["cookies"]),
            ("every-query", uncached, ()),
        )
        for audience, server, cookies in runs:
            with vendor_edits_running(env) if audience == "anonymous-edits" else contextlib.nullcontext():
                result = loadtools.run_wrk(
                    server,
                    unstored if server is production else paths,
                    seconds=seconds,
                    connections=args.connections,
                    cookies=cookies,
                )
            print(
                f"| {audience} | {len(paths)} | {result.requests} | {result.rate:.0f} | {result.p50_ms:.0f} "
                f"| {result.p95_ms:.0f} | {result.p99_ms:.0f} | {result.errors} | {result.server_ms_per_request:.1f} "
                f"| {result.generator_share:.0%} | {'/'.join(map(str, result.connections))} |",
                flush=True,
            )
            lines.append(f"search {audience} p50 {result.p50_ms:.0f} p95 {result.p95_ms:.0f}")
            time.sleep(1)
    finally:
        site.stop()
        uncached.stop()
        production.stop()
    print(
        f"{args.catalogue} products, {args.connections} connections, {seconds} s each; {loadtools.machine()}"
    )
    for line in lines:
        print(line)


@contextlib.contextmanager
def vendor_edits_running(env):
    """vendor_edits.py in its own process, on the marketplace's database and cache."""
    script = Path(__file__).resolve().parent / "vendor_edits.py"
    edits = subprocess.Popen([sys.executable, str(script), "--every", "1"], cwd=loadtools.ROOT, env=env)
    try:
        yield
    finally:
        edits.terminate()
        edits.wait()


if __name__ == "__main__":
    main()
