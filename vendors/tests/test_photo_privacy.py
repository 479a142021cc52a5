"""Photos sellers upload keep nothing of where they were taken: logos, banners and KTP photos."""

import pytest
from django.urls import reverse

from marketplace.tests.photos import assert_no_metadata, phone_jpeg, truncated_jpeg, upload
from vendors.models import Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(login, shop_a_owner):
    return login(shop_a_owner)


def save_settings(client, shop, **files):
    data = {"name": "Keripik Bu Sri", "whatsapp": "0812 3456 7890", "description": "Pedas", **files}
    return client.post(reverse("vendors:settings", args=[shop.slug]), data)


def test_logo_and_banner_are_stored_without_gps_and_upright(seller, shop_a):
    response = save_settings(seller, shop_a, logo=upload(phone_jpeg()), banner=upload(phone_jpeg((800, 300))))

    assert response.status_code == 302
    shop = Shop.objects.get(pk=shop_a.pk)
    with shop.logo.open("rb") as handle:
        # 300×200 taken sideways: stored turned, as people saw it on the phone.
        assert assert_no_metadata(handle) == (200, 300)
    with shop.banner.open("rb") as handle:
        assert assert_no_metadata(handle) == (300, 800)
    assert shop.logo.name.endswith(".jpg") and "foto" not in shop.logo.name


def test_the_ktp_photo_is_stored_privately_without_gps(seller, shop_a):
    response = seller.post(
        reverse("vendors:onboarding_legal", args=[shop_a.slug]),
        {"identity_document": upload(phone_jpeg()), "bank": "BRI", "account_number": "123456789",
         "holder_name": "Sri"},
    )  # fmt: skip

    assert response.status_code == 302
    shop = Shop.objects.get(pk=shop_a.pk)
    with shop.identity_document.open("rb") as handle:
        assert_no_metadata(handle)
    streamed = seller.get(reverse("vendors:identity_document", args=[shop.slug]))
    assert b"Exif" not in b"".join(streamed.streaming_content)


def test_a_truncated_logo_is_refused_with_a_reason_and_the_form_kept(seller, shop_a):
    response = save_settings(seller, shop_a, logo=upload(truncated_jpeg()))

    assert response.status_code == 200
    assert "Gambar ini rusak atau tidak lengkap." in response.text
    assert 'value="Keripik Bu Sri"' in response.text and "Pedas</textarea>" in response.text
    assert not Shop.objects.get(pk=shop_a.pk).logo


@pytest.mark.parametrize("url, field", [("/admin/vendors/shop/{shop}/change/", "logo"),
                                         ("/admin/vendors/shop/{shop}/change/", "banner"),
                                         ("/admin/catalog/expo/add/", "banner")])  # fmt: skip
def test_photos_dinas_staff_upload_in_the_admin_are_re_encoded_too(client, shop_a, url, field):
    from conftest import make_user

    client.force_login(make_user("dinas@example.com", is_staff=True, is_superuser=True))
    form = client.get(url.format(shop=shop_a.pk)).context["adminform"].form

    cleaned = form.fields[field].clean(upload(phone_jpeg()))

    assert b"Exif" not in cleaned.read() and cleaned.name.endswith(".jpg")
