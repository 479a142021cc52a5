"""A vendor changing one price on the bulk page every second, until stopped: what the storefront
of a busy marketplace lives with (search_latency.py's `anonymous-edits` row).

    .venv/bin/python benchmarks/vendor_edits.py --every 1    # on DATABASE_URL and REDIS_URL

Each edit goes through `catalog.services.set_prices_and_stock`, as the bulk page's does: it makes
every stored page and listing body stale, and the edited product's card. A random product each
time, its price one rupiah up or down (back and forth, run after run), so the catalogue keeps
its prices.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def change_one_price():
    from catalog import services
    from catalog.models import ProductVariant

    variants = ProductVariant.objects.order_by("pk")
    variant = variants.select_related("product__shop")[random.randrange(variants.count())]
    price = variant.price + (1 if variant.price % 2 == 0 else -1)
    change = services.VariantChange(variant.pk, price=price, stock=variant.stock, stock_shown=variant.stock)
    services.set_prices_and_stock(shop=variant.product.shop, changes=[change])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--every", type=float, default=1.0, help="seconds between two edits")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    while True:
        change_one_price()
        time.sleep(args.every)


if __name__ == "__main__":
    main()
