"""About 200 demo products with photos drawn by code, spread over the approved demo shops."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from catalog import services
from catalog.categories import seed_categories
from catalog.models import Category, Product
from vendors.models import Shop

# (category slug, name, price, weight in grams, halal)
DEMO_PRODUCTS = [
    ("makanan-ringan", "Keripik Singkong Balado", 15000, 250, True),
    ("makanan-ringan", "Keripik Pisang Cokelat", 18000, 200, True),
    ("makanan-ringan", "Rengginang Terasi", 22000, 300, True),
    ("makanan-ringan", "Opak Ketan Bakar", 12000, 250, True),
    ("makanan-ringan", "Kerupuk Kemplang Ikan Tenggiri", 35000, 500, True),
    ("makanan-ringan", "Peyek Kacang Tanah", 16000, 200, True),
    ("kue-roti", "Bolu Pandan Gulung", 45000, 600, True),
    ("kue-roti", "Kue Lapis Legit", 120000, 800, True),
    ("kue-roti", "Nastar Nanas Toples", 85000, 500, True),
    ("kue-roti", "Bika Ambon Pandan", 65000, 700, True),
    ("sambal-bumbu", "Sambal Roa Pedas", 40000, 200, True),
    ("sambal-bumbu", "Sambal Bawang Kemasan", 25000, 150, True),
    ("sambal-bumbu", "Bumbu Rendang Instan", 18000, 100, True),
    ("kopi-teh", "Kopi Robusta Bubuk", 55000, 250, True),
    ("kopi-teh", "Kopi Arabika Biji Sangrai", 95000, 250, True),
    ("kopi-teh", "Teh Melati Tubruk", 20000, 100, True),
    ("lauk-frozen", "Otak-otak Ikan Beku", 45000, 500, True),
    ("lauk-frozen", "Pempek Kapal Selam Frozen", 60000, 700, True),
    ("batik", "Batik Tulis Motif Sekar Jagad", 450000, 300, False),
    ("batik", "Kemeja Batik Cap Pria", 175000, 250, False),
    ("batik", "Kain Batik Tegalan", 220000, 300, False),
    ("pakaian-muslim", "Gamis Katun Rayon", 165000, 350, False),
    ("pakaian-anak", "Kaos Anak Sablon Lucu", 55000, 150, False),
    ("tas-dompet", "Tas Rajut Tali Kur", 125000, 300, False),
    ("tas-dompet", "Dompet Kulit Sapi", 95000, 150, False),
    ("anyaman", "Keranjang Rotan Serbaguna", 85000, 700, False),
    ("anyaman", "Tikar Pandan Lipat", 110000, 1500, False),
    ("keramik-gerabah", "Gerabah Plered Hias", 75000, 2000, False),
    ("keramik-gerabah", "Cobek Batu Kali", 60000, 3000, False),
    ("kerajinan-kayu", "Talenan Kayu Jati", 70000, 900, False),
    ("suvenir", "Gantungan Kunci Wayang", 15000, 50, False),
    ("sabun-herbal", "Sabun Sereh Wangi", 20000, 100, False),
    ("sabun-herbal", "Minyak Kayu Putih Asli", 35000, 120, False),
    ("jamu", "Jamu Kunyit Asam Botol", 15000, 350, True),
    ("perawatan-kulit", "Lulur Bengkoang", 30000, 200, False),
    ("sayur-buah", "Manggis Segar 1 kg", 40000, 1000, True),
    ("sayur-buah", "Nanas Madu Subang", 25000, 1500, True),
    ("beras-biji", "Beras Pandan Wangi 5 kg", 85000, 5000, True),
    ("ikan-olahan", "Terasi Udang Bangka", 30000, 250, True),
    ("ikan-olahan", "Abon Ikan Tuna", 50000, 200, True),
    ("peralatan-dapur", "Centong Kayu Sawo", 25000, 150, False),
    ("dekorasi", "Lampu Hias Bambu", 135000, 800, False),
    ("katering", "Nasi Box Ayam Bakar", 30000, 600, True),
    ("jahit", "Jasa Permak Celana", 25000, 0, False),
]
PALETTE = [(180, 70, 27), (26, 127, 55), (33, 90, 160), (160, 40, 90), (200, 140, 20), (90, 60, 140)]
VARIANTS = {
    "batik": [("Ukuran M", 0), ("Ukuran L", 10000), ("Ukuran XL", 20000)],
    "pakaian-muslim": [("Ukuran M / Hitam", 0), ("Ukuran L / Navy", 5000)],
    "pakaian-anak": [("2-4 tahun", 0), ("5-7 tahun", 5000)],
    "kopi-teh": [("Bubuk 250 g", 0), ("Biji 250 g", 5000)],
}


def draw_photo(name, colour, seed):
    """A square product 'photo': coloured background, a simple shape and the product's initials."""
    rng = random.Random(seed)
    image = Image.new("RGB", (900, 900), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 70) for c in colour)
    for _ in range(12):
        x, y, r = rng.randint(0, 900), rng.randint(0, 900), rng.randint(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=light, width=6)
    draw.rounded_rectangle((180, 180, 720, 720), radius=60, fill=(250, 247, 242))
    initials = "".join(word[0] for word in name.split()[:3]).upper()
    font = ImageFont.load_default(size=200)
    draw.text((450, 420), initials, fill=colour, font=font, anchor="mm")
    draw.text((450, 620), name[:24], fill=(60, 60, 60), font=ImageFont.load_default(size=36), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


class Command(BaseCommand):
    help = "Add about 200 demo products with drawn photos to the approved demo shops (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=200)

    def handle(self, *args, total=200, **options):
        shops = list(Shop.objects.visible().order_by("pk"))
        if not shops:
            self.stdout.write("No approved shops yet: run the vendors demo data first. Nothing added.")
            return
        if not Category.objects.exists():
            seed_categories(Category)
        categories = {c.slug: c for c in Category.objects.all()}
        per_shop = max(1, total // len(shops))
        created = 0
        for shop_index, shop in enumerate(shops):
            for n in range(per_shop):
                created += self.ensure_product(shop, shop_index, n, categories)
        self.stdout.write(self.style.SUCCESS(f"Demo products: {created} added to {len(shops)} shops."))

    def ensure_product(self, shop, shop_index, n, categories):
        sku = f"DEMO-{n + 1:02d}"
        if Product.objects.filter(shop=shop, sku=sku).exists():
            return 0
        rng = random.Random(shop.pk * 1000 + n)
        slug, name, price, weight, halal = DEMO_PRODUCTS[(shop_index * 7 + n) % len(DEMO_PRODUCTS)]
        options = VARIANTS.get(slug, [])
        variants = [
            {
                "name": variant,
                "price": price + extra,
                "stock": rng.randint(0, 20),
                "sku": f"{sku}-{position + 1}",
            }
            for position, (variant, extra) in enumerate(options)
        ] or None
        with transaction.atomic():
            product = services.create_product(
                shop=shop,
                name=name,
                category=categories[slug],
                price=price,
                stock=rng.choice([0, 5, 12, 30, 80]),
                sku=sku,
                variants=variants,
                weight_grams=weight,
                description=f"{name} dari {shop.name}.\n\nDibuat oleh UMKM lokal dengan bahan pilihan.",
                halal_certificate=f"ID32110000{rng.randint(100000, 999999)}" if halal else "",
                pirt_number=f"2{rng.randint(10**11, 10**12 - 1)}-27" if halal else "",
                status=Product.Status.ACTIVE,
            )
            Product.objects.filter(pk=product.pk).update(sold_count=rng.randint(0, 120))
            colour = PALETTE[(shop_index + n) % len(PALETTE)]
            for photo in range(1 + rng.randint(0, 1)):
                services.add_image(product=product, upload=draw_photo(name, colour, f"{sku}-{photo}"))
        return 1
