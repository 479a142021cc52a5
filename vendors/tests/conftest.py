"""Shops for the vendors tests: two shops with their owners, a staff member, and a region."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from conftest import make_user
from marketplace.models import District, Province, Regency
from vendors import services
from vendors.models import BankAccount, Shop, ShopMember


def photo(name="logo.png", size=(64, 64), image_format="PNG"):
    """A real image file as a browser would upload it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture
def district(db):
    province, _ = Province.objects.get_or_create(code="32", defaults={"name": "Jawa Barat"})
    regency, _ = Regency.objects.get_or_create(
        code="32.14", defaults={"province": province, "name": "Kabupaten Purwakarta", "kind": "kabupaten"}
    )
    district, _ = District.objects.get_or_create(
        code="32.14.01", defaults={"regency": regency, "name": "Purwakarta"}
    )
    return district


def make_shop(owner, name, *, district, status=Shop.Status.APPROVED, bank_account=False, **fields):
    """A shop set straight into `status` (the status flow itself is tested in test_services).

    With `bank_account` it has everything submitting for verification asks for.
    """
    details = {"whatsapp": "+6281234567890", "street_address": "Jl. Veteran No. 5", **fields}
    shop = services.start_shop(owner=owner, name=name, district=district, **details)
    shop.identity_document.save("ktp.png", photo("ktp.png"), save=False)
    if bank_account:
        BankAccount.objects.create(shop=shop, bank="BRI", account_number="0123456789", holder_name=name)
    Shop.objects.filter(pk=shop.pk).update(status=status, identity_document=shop.identity_document.name)
    shop.refresh_from_db()
    return shop


@pytest.fixture
def shop_a_owner(db):
    return make_user("sri@example.com", first_name="Sri")


@pytest.fixture
def shop_b_owner(db):
    return make_user("agus@example.com", first_name="Agus")


@pytest.fixture
def shop_a(shop_a_owner, district):
    return make_shop(shop_a_owner, "Keripik Bu Sri", district=district)


@pytest.fixture
def shop_b(shop_b_owner, district):
    return make_shop(shop_b_owner, "Batik Pak Agus", district=district)


@pytest.fixture
def shop_a_staff(shop_a):
    user = make_user("dewi@example.com", first_name="Dewi")
    ShopMember.objects.create(shop=shop_a, user=user, role=ShopMember.Role.STAFF)
    return user


@pytest.fixture
def login(client, password):
    def log_in(user):
        assert client.login(email=user.email, password=password)
        return client

    return log_in
