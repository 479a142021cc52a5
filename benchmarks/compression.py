"""zlib against zlib-ng, the compressor of every page we send (marketplace.compressed), on the
storefront's own pages.

    .venv/bin/python benchmarks/compression.py                    # every group
    .venv/bin/python benchmarks/compression.py --groups category --requests 6000

On in_process.py's catalogue (10k) and URL plan, with PostgreSQL and Redis. Two figures per group:

- the group's first page, rendered once, compressed by each library at level 6: microseconds per
  page (the lowest median of five rounds) and compressed bytes;
- its pages rendered anew for anonymous visitors (the page cache off, fragments warm) through
  marketplace.wsgi in one process, the library switched on every other request, so both halves
  share the machine's moments: median wall and CPU milliseconds per page.

Prints `compression <group> <library> page-us <us> bytes <n> median <ms> cpu <ms>` lines.
"""

import argparse
import statistics
import subprocess
import sys
import time
import zlib
from pathlib import Path

from zlib_ng import zlib_ng

sys.path.insert(0, str(Path(__file__).resolve().parent))

import in_process  # noqa: E402
import loadtools  # noqa: E402
import throughput  # noqa: E402

sys.path.insert(0, str(loadtools.ROOT))
from marketplace.compressed import LEVEL  # noqa: E402

LIBRARIES = {"zlib": zlib, "zlib-ng": zlib_ng}


def plain_page(handler, path):
    environ = in_process.environ(path)
    del environ["HTTP_ACCEPT_ENCODING"]
    response = handler(environ, lambda status, headers, exc_info=None: None)
    try:
        return b"".join(response)
    finally:
        response.close()


def deflated(library, page):
    return library.compress(page, LEVEL, wbits=-library.MAX_WBITS)


def compress_us(library, page, rounds=5, repeat=300):
    """The lowest of `rounds` medians of compressing `page` as marketplace.compressed does."""
    medians = []
    for _ in range(rounds):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            deflated(library, page)
            times.append((time.perf_counter() - started) * 1e6)
        medians.append(statistics.median(times))
    return min(medians)


def alternating_timings(handler, paths, requests):
    """{library: [(wall ms, CPU ms)]}: pages rendered anew, the library switched every request."""
    from marketplace import compressed

    times = {name: [] for name in LIBRARIES}
    names = list(LIBRARIES)
    try:
        for n in range(requests):
            name = names[n % len(names)]
            compressed.zlib = LIBRARIES[name]
            times[name].append(in_process.timed_request(handler, paths[(n // len(names)) % len(paths)]))
    finally:
        compressed.zlib = zlib_ng
    return times


def measure(plan_path, groups, urls, requests):
    """Child process: Django on the production settings, the page cache off."""
    import json

    from marketplace.wsgi import application as handler

    plan = json.loads(Path(plan_path).read_text())
    for group in groups:
        paths = plan["groups"][group][:urls]
        in_process.warm(handler, paths)
        page = plain_page(handler, paths[0])
        timings = alternating_timings(handler, paths, requests)
        for name, library in LIBRARIES.items():
            wall, cpu = in_process.wall_and_cpu(timings[name])
            print(
                f"compression {group} {name} page-us {compress_us(library, page):.0f}"
                f" bytes {len(deflated(library, page))}"
                f" median {statistics.median(wall):.3f} cpu {statistics.median(cpu):.3f}",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--groups", nargs="+", default=list(throughput.GROUPS))
    parser.add_argument("--urls", type=int, default=20, help="per group")
    parser.add_argument("--requests", type=int, default=4000, help="timed, per group (half each)")
    parser.add_argument("--measure", metavar="PLAN", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.groups, args.urls, args.requests)
        return
    print(f"benchmarks/compression.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    env, plan = in_process.prepared()
    command = [sys.executable, __file__, "--measure", plan, "--groups", *args.groups]
    command += ["--urls", str(args.urls), "--requests", str(args.requests)]
    subprocess.run(command, cwd=loadtools.ROOT, env={**env, "PAGE_CACHE_SECONDS": "0"}, check=True)
    print(f"{loadtools.machine()}")


if __name__ == "__main__":
    main()
