"""Demo products with photos drawn by code, in the demo shops only, each shop selling what its kind sells."""

import io
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from catalog import services
from catalog.categories import seed_categories
from catalog.models import Category, Product
from vendors.demo import KINDS, demo_shops

# What each kind of demo shop sells: (category slug, name, price, weight in grams, halal).
PRODUCTS_BY_KIND = {
    "sate": [
        ("lauk-frozen", "Sate Maranggi Sapi Beku 20 Tusuk", 85000, 800, True),
        ("lauk-frozen", "Sate Maranggi Ayam Beku 20 Tusuk", 65000, 700, True),
        ("sambal-bumbu", "Sambal Oncom Khas Purwakarta", 25000, 200, True),
        ("sambal-bumbu", "Bumbu Sate Maranggi", 20000, 150, True),
        ("katering", "Nasi Box Sate Maranggi", 35000, 600, True),
        ("katering", "Paket Tumpeng Sate 10 Orang", 450000, 5000, True),
    ],
    "keramik": [
        ("keramik-gerabah", "Gerabah Plered Hias", 75000, 2000, False),
        ("keramik-gerabah", "Guci Keramik Motif Bunga", 150000, 3000, False),
        ("keramik-gerabah", "Pot Tanah Liat Gantung", 35000, 1200, False),
        ("keramik-gerabah", "Kendi Air Tanah Liat", 45000, 1500, False),
        ("peralatan-dapur", "Cobek Tanah Liat", 30000, 1500, False),
        ("dekorasi", "Vas Keramik Glasir Biru", 95000, 1400, False),
    ],
    "camilan": [
        ("makanan-ringan", "Simping Kaum Rasa Kencur", 15000, 200, True),
        ("makanan-ringan", "Simping Kaum Rasa Bawang", 15000, 200, True),
        ("makanan-ringan", "Keripik Singkong Balado", 15000, 250, True),
        ("makanan-ringan", "Keripik Pisang Cokelat", 18000, 200, True),
        ("makanan-ringan", "Rengginang Terasi", 22000, 300, True),
        ("makanan-ringan", "Opak Ketan Bakar", 12000, 250, True),
        ("makanan-ringan", "Peyek Kacang Tanah", 16000, 200, True),
    ],
    "kopi": [
        ("kopi-teh", "Kopi Robusta Bubuk Jatiluhur", 55000, 250, True),
        ("kopi-teh", "Kopi Arabika Biji Sangrai", 95000, 250, True),
        ("kopi-teh", "Kopi Robusta Biji Sangrai", 65000, 250, True),
        ("kopi-teh", "Kopi Tubruk Gula Aren Sachet", 25000, 200, True),
        ("minuman", "Kopi Susu Gula Aren Botol", 22000, 300, True),
    ],
    "batik": [
        ("batik", "Batik Tulis Motif Sekar Jagad", 450000, 300, False),
        ("batik", "Kemeja Batik Cap Pria", 175000, 250, False),
        ("batik", "Kain Batik Cap Motif Kujang", 220000, 300, False),
        ("batik", "Blus Batik Wanita", 160000, 250, False),
        ("tas-dompet", "Tas Jinjing Batik", 95000, 300, False),
        ("pakaian-anak", "Kemeja Batik Anak", 85000, 150, False),
    ],
    "tani": [
        ("sayur-buah", "Manggis Segar 1 kg", 40000, 1000, True),
        ("sayur-buah", "Nanas Madu Subang", 25000, 1500, True),
        ("sayur-buah", "Sayur Organik Paket Mingguan", 60000, 3000, True),
        ("sayur-buah", "Pisang Ambon 1 Sisir", 30000, 2000, True),
        ("beras-biji", "Beras Pandan Wangi 5 kg", 85000, 5000, True),
        ("tanaman-bibit", "Bibit Cabai Rawit", 5000, 200, False),
    ],
    "kue": [
        ("kue-roti", "Kue Balok Keju", 25000, 400, True),
        ("kue-roti", "Kue Balok Cokelat", 25000, 400, True),
        ("kue-roti", "Bolu Pandan Gulung", 45000, 600, True),
        ("kue-roti", "Kue Lapis Legit", 120000, 800, True),
        ("kue-roti", "Nastar Nanas Toples", 85000, 500, True),
        ("kue-roti", "Bika Ambon Pandan", 65000, 700, True),
    ],
    "aren": [
        ("sambal-bumbu", "Gula Aren Cetak 1 kg", 40000, 1000, True),
        ("sambal-bumbu", "Gula Semut Aren 500 g", 35000, 500, True),
        ("minuman", "Sirup Gula Aren 600 ml", 30000, 700, True),
        ("makanan-ringan", "Kolang-kaling Manisan", 25000, 500, True),
    ],
    "olahan-ikan": [
        ("makanan-ringan", "Kerupuk Ikan Tenggiri", 35000, 500, True),
        ("makanan-ringan", "Kemplang Panggang Ikan", 30000, 300, True),
        ("lauk-frozen", "Otak-otak Ikan Beku", 45000, 500, True),
        ("lauk-frozen", "Pempek Kapal Selam Frozen", 60000, 700, True),
        ("ikan-olahan", "Abon Ikan Tuna", 50000, 200, True),
        ("ikan-olahan", "Terasi Udang Bangka", 30000, 250, True),
    ],
    "hasil-laut": [
        ("ikan-olahan", "Gonggong Rebus Beku 1 kg", 90000, 1000, True),
        ("ikan-olahan", "Ikan Asin Jambal Roti", 70000, 500, True),
        ("ikan-olahan", "Udang Kering Kupas", 80000, 250, True),
        ("ikan-olahan", "Cumi Asin Kering", 85000, 250, True),
    ],
    "tenun": [
        ("batik", "Kain Songket Melayu", 650000, 500, False),
        ("batik", "Selendang Tenun Melayu", 180000, 200, False),
        ("tas-dompet", "Tas Tenun Songket", 150000, 300, False),
        ("pakaian-muslim", "Baju Kurung Melayu", 275000, 400, False),
        ("suvenir", "Peci Tenun Melayu", 75000, 100, False),
    ],
    "logam": [
        ("peralatan-dapur", "Wajan Besi Cor 30 cm", 150000, 2500, False),
        ("peralatan-dapur", "Panci Aluminium Set 3", 175000, 2000, False),
        ("peralatan-dapur", "Pisau Dapur Baja", 60000, 200, False),
        ("peralatan-dapur", "Sutil Stainless", 25000, 150, False),
        ("servis", "Jasa Asah Pisau", 15000, 0, False),
    ],
    "teh": [
        ("kopi-teh", "Teh Poci Wangi Melati", 20000, 100, True),
        ("kopi-teh", "Teh Tubruk Tegal 250 g", 25000, 250, True),
        ("keramik-gerabah", "Set Poci Tanah Liat", 120000, 1500, False),
        ("sambal-bumbu", "Gula Batu Kristal 500 g", 18000, 500, True),
    ],
    "bambu": [
        ("anyaman", "Keranjang Bambu Serbaguna", 65000, 700, False),
        ("anyaman", "Tampah Bambu Anyam", 35000, 500, False),
        ("anyaman", "Tikar Pandan Lipat", 110000, 1500, False),
        ("dekorasi", "Lampu Hias Bambu", 135000, 800, False),
        ("kerajinan-kayu", "Talenan Kayu Jati", 70000, 900, False),
    ],
    "bawang": [
        ("sambal-bumbu", "Bawang Goreng Bumijawa 250 g", 45000, 250, True),
        ("sambal-bumbu", "Sambal Bawang Kemasan", 25000, 150, True),
        ("sambal-bumbu", "Sambal Roa Pedas", 40000, 200, True),
        ("makanan-ringan", "Kentang Mustofa Pedas", 35000, 250, True),
    ],
    "rempah": [
        ("sambal-bumbu", "Lada Putih Butir Muntok 250 g", 60000, 250, True),
        ("sambal-bumbu", "Lada Putih Bubuk 100 g", 30000, 100, True),
        ("sambal-bumbu", "Lada Hitam Butir 250 g", 50000, 250, True),
        ("jamu", "Madu Pahit Bangka", 150000, 400, True),
    ],
    "herbal": [
        ("sabun-herbal", "Sabun Sereh Wangi", 20000, 100, False),
        ("sabun-herbal", "Minyak Kayu Putih Asli", 35000, 120, False),
        ("jamu", "Jamu Kunyit Asam Botol", 15000, 350, True),
        ("perawatan-kulit", "Lulur Bengkoang", 30000, 200, False),
        ("perawatan-kulit", "Masker Kopi Bubuk", 25000, 100, False),
    ],
    "jahit": [
        ("jahit", "Jasa Permak Celana", 25000, 0, False),
        ("jahit", "Jasa Jahit Kebaya", 350000, 0, False),
        ("jahit", "Jasa Pasang Resleting", 15000, 0, False),
        ("jahit", "Jahit Seragam Sekolah", 120000, 0, False),
    ],
}
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
    help = "Add demo products with drawn photos to the approved demo shops, by kind (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=200)

    def handle(self, *args, total=200, **options):
        shops = [shop for shop in demo_shops().visible().order_by("pk") if shop.slug in KINDS]
        if not shops:
            self.stdout.write("No approved demo shops yet: run seed_demo_shops first. Nothing added.")
            return
        if not Category.objects.exists():
            seed_categories(Category)
        categories = {c.slug: c for c in Category.objects.all()}
        per_shop = max(1, total // len(shops))
        created, now = 0, timezone.now()
        for shop_index, shop in enumerate(shops):
            catalogue = PRODUCTS_BY_KIND[KINDS[shop.slug]]
            for n, row in enumerate(catalogue[:per_shop]):
                created += self.ensure_product(shop, shop_index, n, row, categories, now)
        self.stdout.write(self.style.SUCCESS(f"Demo products: {created} added to {len(shops)} demo shops."))

    def ensure_product(self, shop, shop_index, n, row, categories, now):
        sku = f"DEMO-{n + 1:02d}"
        if Product.objects.filter(shop=shop, sku=sku).exists():
            return 0
        rng = random.Random(shop.pk * 1000 + n)
        slug, name, price, weight, halal = row
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
                stock=rng.choice([0, 12, 30, 50, 80]),
                sku=sku,
                variants=variants,
                weight_grams=weight,
                description=f"{name} dari {shop.name}.\n\nDibuat oleh UMKM lokal dengan bahan pilihan.",
                halal_certificate=f"ID32110000{rng.randint(100000, 999999)}" if halal else "",
                pirt_number=f"2{rng.randint(10**11, 10**12 - 1)}-27" if halal else "",
                status=Product.Status.ACTIVE,
            )
            # Listed in the weeks after the shop opened (never in the future).
            listed = min(now, (shop.approved_at or now) + timedelta(days=2 + 5 * n))
            Product.objects.filter(pk=product.pk).update(sold_count=rng.randint(0, 120), created_at=listed)
            colour = PALETTE[(shop_index + n) % len(PALETTE)]
            for photo in range(1 + rng.randint(0, 1)):
                services.add_image(product=product, upload=draw_photo(name, colour, f"{sku}-{photo}"))
        return 1
