"""Two versions of the code side by side: storefront pages timed in one process each, in turns.

    git worktree add /tmp/before <commit>          # the other version, with .venv linked
    .venv/bin/python benchmarks/paired.py /tmp/before --audience anon-miss --rounds 30

On a shared machine the CPU time of a page moves by a quarter between two runs a minute apart,
more than most changes. Here both versions run at once, each in its own long-lived process
(the WSGI application of its checkout, as in_process.py loads it), and take turns: a round of
`--requests` requests of one group in one, then the same in the other, the order swapped every
round. Each round's median CPU time of the second version is divided by the first's, taken at
the same moment of the machine's day; the script prints the median of those ratios and their
quartiles per group (below 1: the second version spends less CPU per page).

Audiences as in in_process.py: anon-miss (no cookies, the whole-page cache off, fragments warm)
and buyer (the plan's logged-in buyers in turn, the page cache on and warm). Needs what
in_process.py needs (PostgreSQL, Redis, the 10k catalogue and its plan).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import in_process  # noqa: E402
import loadtools  # noqa: E402
import throughput  # noqa: E402

PAGE_CACHE_SECONDS = {"anon-miss": "0", "buyer": "3600"}


def serve(plan_path, audience, urls):
    """Child process: warm every group, then time `<group> <requests>` rounds read from stdin,
    answering each with the median CPU ms per request."""
    sys.path.insert(0, os.getcwd())
    from marketplace.wsgi import application

    plan = json.loads(Path(plan_path).read_text())
    cookies = plan["cookies"] if audience == "buyer" else [None]
    paths = {group: urls_[:urls] for group, urls_ in plan["groups"].items()}
    for group_paths in paths.values():
        in_process.warm(application, group_paths, lambda n: cookies[n % len(cookies)])
    print("ready", flush=True)
    for line in sys.stdin:
        group, requests = line.split()
        times = [
            in_process.timed_request(
                application, paths[group][n % len(paths[group])], cookies[n % len(cookies)]
            )
            for n in range(int(requests))
        ]
        _wall, cpu = in_process.wall_and_cpu(times)
        print(statistics.median(cpu), flush=True)


def start(checkout, env, plan, audience, urls):
    child = subprocess.Popen(
        [str(Path(checkout) / ".venv/bin/python"), __file__, "--serve", plan, audience, str(urls)],
        cwd=checkout,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.stdout.readline().strip() != "ready":
        raise SystemExit(f"{checkout}: the application did not start")
    return child


def median_cpu(child, group, requests):
    child.stdin.write(f"{group} {requests}\n")
    child.stdin.flush()
    return float(child.stdout.readline())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "before", nargs="?", help="the other checkout (first version); this one is the second"
    )
    parser.add_argument("--audience", default="anon-miss", choices=sorted(PAGE_CACHE_SECONDS))
    parser.add_argument("--groups", nargs="+", default=list(throughput.GROUPS))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--requests", type=int, default=200, help="per round, group and version")
    parser.add_argument("--urls", type=int, default=20, help="per group")
    parser.add_argument("--serve", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], args.serve[1], int(args.serve[2]))
        return
    if not args.before:
        parser.error("name the other checkout")
    print(f"benchmarks/paired.py {' '.join(sys.argv[1:])}: {loadtools.machine()}", flush=True)
    env, plan = in_process.prepared()
    env = {**env, "PAGE_CACHE_SECONDS": PAGE_CACHE_SECONDS[args.audience]}
    versions = [
        start(checkout, env, plan, args.audience, args.urls) for checkout in (args.before, loadtools.ROOT)
    ]
    times = {group: ([], []) for group in args.groups}
    for round_ in range(args.rounds):
        for group in args.groups:
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            for which in order:
                times[group][which].append(median_cpu(versions[which], group, args.requests))
    for child in versions:
        child.stdin.close()
        child.wait()
    for group, (before, after) in times.items():
        ratios = [new / old for old, new in zip(before, after, strict=True)]
        low, _, high = statistics.quantiles(ratios, n=4)
        print(
            f"paired {group} {args.audience}: before {statistics.median(before):.3f} ms,"
            f" after {statistics.median(after):.3f} ms; after/before {statistics.median(ratios):.3f}"
            f" (quartiles {low:.3f}-{high:.3f})",
            flush=True,
        )
    print(loadtools.machine(), flush=True)


if __name__ == "__main__":
    main()
