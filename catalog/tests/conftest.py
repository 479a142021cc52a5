import pytest

from catalog.tests.factories import make_shop, region
from conftest import make_user


@pytest.fixture
def shop_a_owner(db):
    return make_user("owner-a@example.com", first_name="Ani")


@pytest.fixture
def shop_b_owner(db):
    return make_user("owner-b@example.com", first_name="Bayu")


@pytest.fixture
def shop_a(shop_a_owner):
    return make_shop(shop_a_owner, name="Dapur Bu Ani", district=region())


@pytest.fixture
def shop_b(shop_b_owner):
    return make_shop(
        shop_b_owner,
        name="Batik Pak Bayu",
        district=region("21.71.01", "Batam Kota", "Kota Batam", "Kepulauan Riau"),
    )


@pytest.fixture
def vendor_client(client, shop_a_owner, password):
    client.login(email=shop_a_owner.email, password=password)
    return client


@pytest.fixture(autouse=True)
def categories(db):
    """The seeded categories, which transactional tests (browser, worker) wipe from the database."""
    from catalog.categories import seed_categories
    from catalog.models import Category

    if not Category.objects.exists():
        seed_categories(Category)
