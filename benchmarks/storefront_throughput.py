"""Requests per second of storefront pages against a bare Django view of 24 static cards.

Both are served by gunicorn with the same settings on this machine and loaded with wrk
(Debian package `wrk`) over loopback; each run is bounded in time. Our bar: a storefront
listing or product page serves at least half the bare view's rate.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/warung_catalog_bench \
    REDIS_URL=redis://127.0.0.1:6379/7 \
    .venv/bin/python benchmarks/storefront_throughput.py

The database should hold a large catalogue (benchmarks/generate_catalogue.py).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "1", "--log-level", "warning"]
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")


def serve(app, port, env):
    process = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", app], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            urllib.request.urlopen(
                f"http://127.0.0.1:{port}/healthz" if "marketplace" in app else f"http://127.0.0.1:{port}/",
                timeout=1,
            )
            return process
        except Exception:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{app} did not start")


def requests_per_second(url):
    urllib.request.urlopen(url, timeout=10).read()  # warm the caches once
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses")
    return rate, p99


def sample_urls(base):
    """A listing, a category, a search and a product page from the configured database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from catalog.models import Category, Product

    product = Product.objects.visible().select_related("shop").order_by("-id").first()
    category = Category.objects.filter(parent__isnull=False).first()
    return {
        "home": f"{base}/",
        "category listing": f"{base}{category.get_absolute_url()}",
        "search": f"{base}/cari/?q=keripik",
        "product page": f"{base}{product.get_absolute_url()}",
    }


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    env = {
        "SECRET_KEY": "benchmark-only-secret",
        **os.environ,
        "DEBUG": "0",
        "SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    # Production serves hashed static files; collect them as a deployment does.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    bare = serve("benchmarks.bare_site:application", 8091, env)
    shop = serve("marketplace.wsgi:application", 8092, env)
    try:
        bare_rate, bare_p99 = requests_per_second("http://127.0.0.1:8091/")
        print(f"bare Django, 24 static cards: {bare_rate:8.0f} req/s  (p99 {bare_p99})")
        for name, url in sample_urls("http://127.0.0.1:8092").items():
            rate, p99 = requests_per_second(url)
            print(f"{name:28s}: {rate:8.0f} req/s  (p99 {p99})  = {rate / bare_rate:.2f} of bare")
    finally:
        for process in (bare, shop):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
