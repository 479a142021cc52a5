"""Building shops, products and photos for tests (and the demo data)."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog import services, stock
from catalog.categories import seed_categories
from catalog.models import Category, Product
from marketplace.models import District, Province, Regency
from vendors.models import Shop
from vendors.services import start_shop

_counter = itertools.count(1)


def region(code="32.14.01", name="Purwakarta", regency="Kabupaten Purwakarta", province="Jawa Barat"):
    province_obj, _ = Province.objects.get_or_create(code=code[:2], defaults={"name": province})
    regency_obj, _ = Regency.objects.get_or_create(
        code=code[:5], defaults={"name": regency, "province": province_obj, "kind": "kabupaten"}
    )
    district, _ = District.objects.get_or_create(code=code, defaults={"name": name, "regency": regency_obj})
    return district


def make_shop(owner, *, name=None, status=Shop.Status.APPROVED, district=None, whatsapp="+6281234567890"):
    shop = start_shop(owner=owner, name=name or f"Toko Uji {next(_counter)}")
    Shop.objects.filter(pk=shop.pk).update(status=status, district=district, whatsapp=whatsapp)
    shop.refresh_from_db()
    return shop


def category(slug="makanan-ringan"):
    # Transactional tests (browser, worker) empty every table, the seeded categories too.
    if not Category.objects.filter(slug=slug).exists():
        seed_categories(Category)
    return Category.objects.get(slug=slug)


def make_product(shop, **fields) -> Product:
    values = {
        "name": f"Keripik Singkong {next(_counter)}",
        "category": category(),
        "price": 15000,
        "stock": 10,
        "status": Product.Status.ACTIVE,
        "description": "Renyah dan gurih.",
    }
    values.update(fields)
    return services.create_product(shop=shop, **values)


def image_bytes(width=800, height=600, fmt="JPEG", color=(200, 80, 40), exif=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def upload(content=None, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type=content_type)


def leave(product, left):
    """Other buyers take units until `left` remain (a real take, as at checkout)."""
    variant = product.variants.first()
    stock.take([stock.Units(variant.pk, variant.stock - left)])
    product.refresh_from_db()


def reprice(product, price):
    """The vendor changes the price of the product's only variant."""
    variant = product.variants.get()
    services.set_prices_and_stock(
        shop=product.shop,
        changes=[
            services.VariantChange(variant.pk, price=price, stock=variant.stock, stock_shown=variant.stock)
        ],
    )
    product.refresh_from_db()
