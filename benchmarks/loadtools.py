"""What the HTTP benchmarks share: gunicorn servers, the catalogues, wrk runs and their parsing.

Every server is started the same way (`GUNICORN` below), so the bare yardstick and the
marketplace differ only in the application. wrk replays a list of paths with a Lua script
(`wrk_paths.lua`) that also sends a buyer's cookies, counts non-200 answers and page-cache hits
and prints p50/p95/p99.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk_paths.lua"
# --reuse-port: each worker listens on a socket of its own and the kernel spreads connections
# between them. Without it, wrk's 32 keep-alive connections, opened at once, often all went to
# the worker that woke first (gthread keeps a connection for good): one core served, the other
# idled, and a run gave about 1,100 req/s where the next gave 2,700, the bare page's included.
GUNICORN = ["-m", "gunicorn", "--workers", "2", "--threads", "4", "--worker-class", "gthread", "--reuse-port"]
DATABASE_TEMPLATE = os.environ.get(
    "BENCH_DATABASE_TEMPLATE", "postgres://postgres@127.0.0.1:5432/warung_bench_{catalogue}"
)
# name: (shops, products, Redis for its cache). One Redis database per catalogue: cached
# fragments are keyed by row ids, which the two catalogues share.
CATALOGUES = {
    "10k": (200, 10_000, os.environ.get("BENCH_REDIS_URL_10K", "redis://127.0.0.1:6379/10")),
    "100k": (2_000, 100_000, os.environ.get("BENCH_REDIS_URL_100K", "redis://127.0.0.1:6379/11")),
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def database_url(catalogue):
    url = DATABASE_TEMPLATE.format(catalogue=catalogue)
    name = url.rsplit("/", 1)[-1]
    if not (name.startswith("warung_bench") or "_bench_" in name):
        sys.exit("The benchmarks write and delete data: use databases named warung_bench… or …_bench_…")
    return url


def redis_url(catalogue):
    return CATALOGUES[catalogue][2]


def load_average():
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def machine():
    cores = os.cpu_count()
    return f"{cores} cores, load average {load_average()} (1, 5, 15 min)"


def base_env(**extra):
    env = {
        "SECRET_KEY": "benchmark-only-secret-key-never-used-in-production",
        **os.environ,
        "DEBUG": "0",
        "SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "LOG_LEVEL": "WARNING",
    }
    env.update({name: str(value) for name, value in extra.items()})
    return env


def create_database(url):
    """Create the benchmark's database on a fresh machine; an existing one is left as it is."""
    import psycopg2

    name = url.rsplit("/", 1)[-1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def ensure_catalogue(catalogue):
    """Build the catalogue, or reuse it when the database already holds this very one."""
    shops, products, _redis = CATALOGUES[catalogue]
    create_database(database_url(catalogue))
    subprocess.run(
        [
            sys.executable,
            "benchmarks/generate_catalogue.py",
            "--shops",
            str(shops),
            "--products",
            str(products),
        ]
        + ["--reuse"],
        cwd=ROOT,
        env=base_env(BENCH_DATABASE_URL=database_url(catalogue)),
        check=True,
    )


def collectstatic(env):
    # Production serves hashed static files; collect them as a deployment does.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


@dataclass
class Server:
    """One gunicorn with the shared settings; `cpu_seconds()` adds up its workers' CPU time."""

    app: str
    port: int
    env: dict
    health: str = "/"
    process: subprocess.Popen = field(default=None, repr=False)

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        command = [sys.executable, *GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.process = subprocess.Popen([*command, self.app], cwd=ROOT, env=self.env)
        for _ in range(150):
            try:
                urllib.request.urlopen(self.base + self.health, timeout=2).read()
                return self
            except Exception:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{self.app} did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def connections_per_worker(self):
        """How many client connections each worker holds now, most first: gunicorn's gthread
        workers keep a keep-alive connection for good, whichever accepted it first."""
        established = set()
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == self.port and fields[3] == "01":
                established.add(fields[9])  # the socket's inode
        counts = []
        for pid in self.worker_pids():
            sockets = set()
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:["):
                        sockets.add(target[len("socket:[") : -1])
            counts.append(len(sockets & established))
        return sorted(counts, reverse=True)

    def cpu_seconds(self):
        total = 0
        for pid in [self.process.pid, *self.worker_pids()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLOCK_TICKS


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # non-200 answers plus connection, read, write errors and timeouts
    hits: int  # answers served from the whole-page cache
    generator_cpu: float = 0.0  # CPU seconds wrk itself used
    server_cpu: float = 0.0  # CPU seconds the gunicorn workers used
    connections: list = field(default_factory=list)  # per worker, halfway through the run

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def hit_share(self):
        return self.hits / self.requests if self.requests else 0.0

    @property
    def generator_share(self):
        """wrk's CPU use as a share of one core during the run."""
        return self.generator_cpu / self.seconds if self.seconds else 0.0

    @property
    def server_ms_per_request(self):
        return 1000 * self.server_cpu / self.requests if self.requests else 0.0


RESULT_LINE = re.compile(r"^RESULT (.+)$", re.MULTILINE)


def parse_wrk(output):
    """The figures of the RESULT line our Lua script prints at the end of a wrk run."""
    match = RESULT_LINE.search(output)
    if not match:
        raise ValueError(f"no RESULT line in wrk's output:\n{output}")
    values = dict(pair.split("=", 1) for pair in match.group(1).split())
    numbers = {name: int(value) for name, value in values.items()}
    return WrkResult(
        requests=numbers["requests"],
        seconds=numbers["duration_us"] / 1e6,
        p50_ms=numbers["p50_us"] / 1000,
        p95_ms=numbers["p95_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
        errors=numbers["non200"] + sum(numbers[kind] for kind in ("connect", "read", "write", "timeout")),
        hits=numbers["hits"],
    )


def write_lines(lines):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    return handle.name


def run_wrk(server, paths, *, seconds, connections=32, threads=2, cookies=()):
    """Load `server` with wrk cycling through `paths` (and `cookies`, one buyer per request)."""
    paths_file = write_lines(paths)
    cookies_file = write_lines(cookies) if cookies else ""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA), server.base, "--", paths_file, cookies_file]
    cpu_before = server.cpu_seconds()
    connections = []
    halfway = threading.Timer(seconds / 2, lambda: connections.extend(server.connections_per_worker()))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    halfway.start()
    # wait4 gives the CPU time of wrk alone: the check that the generator is not the bottleneck.
    _pid, status, usage = os.wait4(process.pid, 0)
    halfway.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    output, errors = process.stdout.read(), process.stderr.read()
    os.unlink(paths_file)
    if cookies_file:
        os.unlink(cookies_file)
    if process.returncode:
        raise SystemExit(f"wrk failed ({process.returncode}): {errors}{output}")
    result = parse_wrk(output)
    result.generator_cpu = usage.ru_utime + usage.ru_stime
    result.server_cpu = server.cpu_seconds() - cpu_before
    result.connections = connections
    return result


def warm(server, paths, cookies=()):
    """Request every path once (fills the page cache and the workers' own caches)."""
    for n, path in enumerate(paths):
        request = urllib.request.Request(server.base + path.replace("{rand}", "0"))
        if cookies:
            request.add_header("Cookie", cookies[n % len(cookies)])
        with contextlib.suppress(Exception):  # errors are counted by the measured runs
            urllib.request.urlopen(request, timeout=30).read()
