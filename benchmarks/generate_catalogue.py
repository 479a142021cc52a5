"""Build a large catalogue in the benchmark database: 2,000 approved shops, 100,000 products.

    createdb -h 127.0.0.1 -U postgres warung_catalog_bench
    .venv/bin/python benchmarks/generate_catalogue.py [--shops 2000] [--products 100000] [--reuse]

Everything is inserted with bulk_create in batches, then every search vector is built by one
UPDATE, as catalog.services does for single products. Re-running starts from an empty catalogue;
with --reuse a database that already holds this very catalogue (its PostgreSQL comment says which
one was built) is only migrated, so a second benchmark run does not wait for it.
"""

import argparse
import random
import time

from common import setup_django

# Bump when the generated data changes, so --reuse rebuilds catalogues made by an older version.
GENERATOR_VERSION = 1

ADJECTIVES = [
    "Pedas", "Manis", "Gurih", "Original", "Balado", "Keju", "Cokelat", "Pandan", "Premium", "Spesial",
    "Jumbo", "Mini", "Asli", "Tradisional", "Renyah", "Lembut", "Organik", "Segar", "Kering", "Homemade",
]  # fmt: skip
THINGS = {
    "makanan-ringan": ["Keripik Singkong", "Keripik Pisang", "Rengginang", "Opak", "Kerupuk Ikan", "Peyek Kacang",
                       "Basreng", "Makaroni", "Emping Melinjo", "Keripik Tempe"],
    "kue-roti": ["Bolu Pandan", "Kue Lapis", "Brownies", "Nastar", "Kastengel", "Roti Sobek", "Bika Ambon"],
    "sambal-bumbu": ["Sambal Bawang", "Sambal Roa", "Sambal Cumi", "Bumbu Rendang", "Bumbu Pecel"],
    "kopi-teh": ["Kopi Robusta", "Kopi Arabika", "Teh Melati", "Kopi Luwak", "Teh Tarik"],
    "batik": ["Batik Tulis", "Batik Cap", "Kemeja Batik", "Kain Batik", "Selendang Batik"],
    "tas-dompet": ["Tas Rajut", "Dompet Kulit", "Tas Anyaman", "Tote Bag Kanvas"],
    "anyaman": ["Keranjang Rotan", "Tikar Pandan", "Topi Bambu", "Tudung Saji"],
    "keramik-gerabah": ["Gerabah Plered", "Vas Keramik", "Cobek Batu", "Pot Tanah Liat"],
    "sabun-herbal": ["Sabun Sereh", "Sabun Kopi", "Minyak Kayu Putih", "Lulur Bengkoang"],
    "sayur-buah": ["Manggis", "Nanas Subang", "Salak Pondoh", "Cabai Rawit", "Alpukat Mentega"],
    "ikan-olahan": ["Ikan Asin", "Terasi Udang", "Otak-otak", "Kerupuk Kemplang", "Abon Ikan"],
    "peralatan-dapur": ["Talenan Kayu", "Centong Kayu", "Panci Tanah Liat", "Sendok Batok"],
}  # fmt: skip
SHOP_WORDS = ["Dapur", "Toko", "Warung", "Rumah", "Galeri", "Sentra", "Kedai", "Pondok", "Griya", "Kios"]
OWNERS = ["Bu Ani", "Pak Bayu", "Mbak Sari", "Kang Asep", "Teh Euis", "Bu Ratna", "Pak Joko", "Uni Rina",
          "Bang Ucok", "Ci Mei", "Mas Dimas", "Ibu Wati", "Pak Harun", "Neng Lilis", "Bu Siti"]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shops", type=int, default=2000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep a catalogue built with the same arguments")
    args = parser.parse_args()
    setup_django()

    from django.core.management import call_command

    started = time.perf_counter()
    print(f"load average {load_average()}")
    call_command("migrate", verbosity=0)
    from marketplace.models import District

    if not District.objects.exists():
        call_command("load_regions", verbosity=0)
    print(f"migrated and regions ready in {time.perf_counter() - started:.1f} s")
    wanted = catalogue_marker(args)
    if args.reuse and built_marker() == wanted:
        print(f"reusing the catalogue already in the database ({wanted})")
        return
    build(args.shops, args.products, random.Random(args.seed))
    remember_marker(wanted)
    print(f"total {time.perf_counter() - started:.1f} s; load average {load_average()}")


def load_average():
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def catalogue_marker(args):
    return f"benchmark catalogue v{GENERATOR_VERSION}: {args.shops} shops, {args.products} products, seed {args.seed}"


def built_marker():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def remember_marker(marker):
    """A comment on the database, written only once the whole catalogue is in."""
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"COMMENT ON DATABASE {name} IS %s", [marker])


def build(n_shops, n_products, rng):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from catalog.models import Category, Product, ProductImage, ProductVariant
    from catalog.services import refresh_search_vectors
    from marketplace.models import District
    from vendors.models import Shop, ShopMember

    User = get_user_model()
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE catalog_productimage, catalog_productvariant, catalog_product, vendors_shopmember, "
            "vendors_shop_categories, vendors_shop_communities, vendors_shopstatusevent, vendors_shop CASCADE"
        )
        cursor.execute("DELETE FROM marketplace_user WHERE email LIKE '%%@bench.invalid'")
    districts = list(District.objects.values_list("code", flat=True))
    categories = {c.slug: c.pk for c in Category.objects.filter(slug__in=THINGS)}
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(email=f"owner{i}@bench.invalid", password="!") for i in range(n_shops)], batch_size=2000
        )
        shops = Shop.objects.bulk_create(
            [
                Shop(
                    name=f"{rng.choice(SHOP_WORDS)} {rng.choice(OWNERS)} {i}",
                    slug=f"toko-{i}",
                    status=Shop.Status.APPROVED,
                    district_id=rng.choice(districts),
                    whatsapp="+6281234567890",
                )
                for i in range(n_shops)
            ],
            batch_size=2000,
        )
        ShopMember.objects.bulk_create(
            [
                ShopMember(shop=s, user=u, role=ShopMember.Role.OWNER)
                for s, u in zip(shops, users, strict=True)
            ],
            batch_size=2000,
        )
    print(f"{n_shops} shops in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    slugs = list(THINGS)
    batch = []
    for i in range(n_products):
        category = rng.choice(slugs)
        name = f"{rng.choice(THINGS[category])} {rng.choice(ADJECTIVES)} {rng.randint(100, 999)} g"
        batch.append(
            Product(
                shop=shops[i % n_shops],
                name=name,
                slug=f"p-{i}",
                category_id=categories[category],
                description=f"{name} buatan UMKM lokal. {rng.choice(ADJECTIVES)} dan {rng.choice(ADJECTIVES).lower()}.",
                price=rng.randrange(5_000, 500_000, 500),
                stock=rng.choice([0, 3, 10, 25, 100]),
                status=Product.Status.ACTIVE,
                sold_count=rng.randint(0, 500),
                halal_certificate="ID3211000012345" if rng.random() < 0.3 else "",
            )
        )
        if len(batch) == 10_000:
            Product.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Product.objects.bulk_create(batch, batch_size=5000)
    # Each product's default variant holds its price and stock; the product row carries the
    # same figures for listings (written here in bulk, as catalog.stock would keep them).
    variants = []
    for pk, price, stock in Product.objects.values_list("pk", "price", "stock").iterator(chunk_size=10_000):
        variants.append(ProductVariant(product_id=pk, name="", price=price, stock=stock))
        if len(variants) == 10_000:
            ProductVariant.objects.bulk_create(variants, batch_size=5000)
            variants = []
    ProductVariant.objects.bulk_create(variants, batch_size=5000)
    print(f"{n_products} products in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    images = []
    for pk in Product.objects.values_list("pk", flat=True).iterator(chunk_size=10_000):
        images.append(
            ProductImage(
                product_id=pk,
                original=f"products/originals/bench-{pk}",
                is_primary=True,
                status=ProductImage.Status.READY,
                width=800,
                height=800,
                renditions=[
                    {"width": w, "height": w, "name": f"products/r/bench/{w}.webp"} for w in (160, 400, 800)
                ],
            )
        )
        if len(images) == 10_000:
            ProductImage.objects.bulk_create(images, batch_size=5000)
            images = []
    ProductImage.objects.bulk_create(images, batch_size=5000)
    print(f"{n_products} primary photos in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    refresh_search_vectors()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics, or the planner guesses badly
    print(f"search vectors and ANALYZE in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
