import pytest

from catalog.tests.factories import make_shop, region
from conftest import make_user


@pytest.fixture
def purwakarta(db):
    return region("32.14.01", "Purwakarta", "Kabupaten Purwakarta", "Jawa Barat")


@pytest.fixture
def batam(db):
    return region("21.71.01", "Batam Kota", "Kota Batam", "Kepulauan Riau")


@pytest.fixture
def tanjungpinang(db):
    return region("21.72.01", "Tanjungpinang Barat", "Kota Tanjung Pinang", "Kepulauan Riau")


@pytest.fixture
def tegal(db):
    return region("33.76.01", "Tegal Barat", "Kota Tegal", "Jawa Tengah")


@pytest.fixture
def shop_a(db, purwakarta):
    return make_shop(
        make_user("owner-a@example.com", first_name="Ani"), name="Dapur Bu Ani", district=purwakarta
    )


@pytest.fixture
def shop_b(db, tegal):
    return make_shop(
        make_user("owner-b@example.com", first_name="Bayu"), name="Batik Pak Bayu", district=tegal
    )


@pytest.fixture(autouse=True)
def empty_cache():
    """Provider answers are cached; a locmem cache outlives a settings change, so start each test empty."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def in_english():
    """Messages are asserted in English; the Indonesian catalogue has its own test."""
    from django.utils import translation

    with translation.override("en"):
        yield
