"""Page weight of the storefront on a phone: bytes over the wire for home, a listing and a product.

A real Chromium (Debian's, through Playwright) opens each page on a 390×844 screen, as a buyer
following a WhatsApp link would, and adds up what the network carried: HTML, CSS, JS, images
and the rest (icons, the manifest), as transferred (compressed, headers included). Each page is
opened twice in one browser profile: the first view (empty cache) and the repeat view (what is
fetched again when the buyer comes back).

Against a running server, e.g. `make run PORT=8306` in another terminal:

    .venv/bin/python benchmarks/page_weight.py --base-url http://127.0.0.1:8306

The listing and the product page are the first category and the first product the home page
links to, so any catalogue works.
"""

import argparse
import re
import sys
import urllib.request
from collections import defaultdict

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
KINDS = {"document": "html", "stylesheet": "css", "script": "js", "image": "images"}
COLUMNS = ("html", "css", "js", "images", "other", "total")


def discover(base_url):
    """Home, the first category and the first product the home page links to."""
    html = urllib.request.urlopen(base_url + "/", timeout=30).read().decode()
    category = re.search(r'href="(/kategori/[^"/]+/)"', html)
    product = re.search(r'href="(/toko/[^"/]+/[^"/]+/)"', html)
    pages = {"home": "/"}
    pages["listing"] = category.group(1) if category else "/cari/"
    if product:
        pages["product"] = product.group(1)
    return pages


def weigh(page, cdp, url):
    """Bytes transferred per kind while `url` loads, from the browser's own network log."""
    kinds, sizes = {}, defaultdict(int)

    def on_response(event):
        kinds[event["requestId"]] = KINDS.get(event["type"].lower(), "other")

    def on_finished(event):
        sizes[kinds.get(event["requestId"], "other")] += int(event["encodedDataLength"])

    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.loadingFinished", on_finished)
    page.goto(url, wait_until="networkidle")
    # Lazy images below the fold load only if the buyer scrolls: a first screen is what we weigh.
    page.wait_for_timeout(300)
    cdp.remove_listener("Network.responseReceived", on_response)
    cdp.remove_listener("Network.loadingFinished", on_finished)
    sizes["total"] = sum(sizes[column] for column in COLUMNS[:-1])
    return sizes


def measure(base_url):
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for name, path in discover(base_url).items():
            context = browser.new_context(viewport=PHONE, is_mobile=True, device_scale_factor=2)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            first = weigh(page, cdp, base_url + path)
            repeat = weigh(page, cdp, base_url + path)
            rows.append((name, path, first, repeat))
            context.close()
        browser.close()
    return rows


def kb(n):
    return f"{n / 1024:.1f}"


def report(rows):
    header = "| page | view | " + " | ".join(f"{c} (KB)" for c in COLUMNS) + " |"
    print(header)
    print("|" + " --- |" * (len(COLUMNS) + 2))
    for name, path, first, repeat in rows:
        for view, sizes in (("first", first), ("repeat", repeat)):
            cells = " | ".join(kb(sizes[c]) for c in COLUMNS)
            print(f"| {name} `{path}` | {view} | {cells} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    report(measure(args.base_url.rstrip("/")))


if __name__ == "__main__":
    sys.exit(main())
