"""With Redis away (broker and cache), a vendor's product save is saved and answered normally."""

import pytest

from catalog.models import Product, ProductImage
from catalog.tests.factories import image_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def redis_away(settings, broker_down):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # This raw cache raises where the site's own (marketplace.cache) carries on, so sessions,
    # read through the cache on the site, stay in the database here.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


def product_data(category_id, **changes):
    data = {
        "name": "Keripik Pisang", "category": category_id, "description": "Renyah", "sku": "",
        "weight_grams": "250", "min_order_quantity": "1", "condition": "new",
        "halal_certificate": "", "pirt_number": "", "status": "active",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "30",
        "variants-0-name": "", "variants-0-price": "15000", "variants-0-stock": "5", "variants-0-sku": "",
    }  # fmt: skip
    return {**data, **changes}


def test_a_product_saved_while_redis_is_down_is_not_answered_with_500(
    redis_away, vendor_client, shop_a, categories, caplog
):
    from catalog.models import Category

    category = Category.objects.filter(parent__isnull=False).first() or Category.objects.first()
    data = product_data(category.pk, photos=upload(image_bytes(400, 300)))

    response = vendor_client.post(f"/dashboard/{shop_a.slug}/produk/baru/", data)

    assert response.status_code == 302
    product = Product.objects.get(shop=shop_a)
    # Saved, its photo waiting for the worker that beat will reach once the broker is back.
    assert ProductImage.objects.get(product=product).status == ProductImage.Status.PENDING
    # Both after-commit steps met the dead Redis (the test client would raise any error they let out).
    assert "Broker unreachable" in caplog.text
