"""A seller new to selling online opens a shop step by step, and may stop and resume."""

import pytest
from django.urls import reverse

from vendors.models import Shop, ShopCategory, ShopMember, ShopStatusEvent
from vendors.tests.conftest import photo

pytestmark = pytest.mark.django_db


def profile_data(**overrides):
    return {
        "name": "Keripik Bu Sri",
        "slug": "",
        "description": "Keripik singkong pedas buatan rumah.",
        "whatsapp": "0812-3456-7890",
        "instagram": "@keripikbusri",
        "facebook": "",
        # Seeded by a migration; a transactional test elsewhere may have emptied the table.
        "categories": [
            ShopCategory.objects.get_or_create(slug="makanan-minuman", defaults={"name": "Makanan"})[0].pk
        ],
        "opening_hours": "Senin–Sabtu 08.00–17.00",
        **overrides,
    }


def address_data(place, **overrides):
    return {
        "street_address": "Jl. Veteran No. 5, RT 02/RW 03",
        "province": place.regency.province_id,
        "regency": place.regency_id,
        "district": place.pk,
        "postal_code": "41111",
        **overrides,
    }


def legal_data(**overrides):
    return {
        "nib": "1234567890123",
        "identity_document": photo("ktp.jpg", image_format="JPEG"),
        "bank": "BRI",
        "account_number": "0123-01-000123-50-1",
        "holder_name": "Sri Wahyuni",
        **overrides,
    }


@pytest.fixture
def seller(login, shop_a_owner):
    return login(shop_a_owner)


def test_a_seller_opens_a_shop_through_every_step_and_submits_it(
    seller, shop_a_owner, district, mailoutbox, django_capture_on_commit_callbacks
):
    response = seller.post(reverse("vendors:start"), {**profile_data(), "logo": photo()})
    shop = Shop.objects.get(members__user=shop_a_owner)
    assert response.url == reverse("vendors:onboarding_address", args=[shop.slug])
    assert (shop.slug, shop.whatsapp, shop.instagram) == ("keripik-bu-sri", "+6281234567890", "keripikbusri")
    assert shop.logo.name.startswith("shops/logos/")
    assert shop.members.get().role == ShopMember.Role.OWNER

    response = seller.post(response.url, address_data(district))
    assert response.url == reverse("vendors:onboarding_legal", args=[shop.slug])

    response = seller.post(response.url, legal_data())
    assert response.url == reverse("vendors:onboarding_review", args=[shop.slug])
    shop.refresh_from_db()
    assert (shop.district, shop.nib, shop.onboarding_step) == (district, "1234567890123", 4)
    assert shop.bank_accounts.get().account_number == "012301000123501"  # dashes dropped
    assert shop.identity_document

    review = seller.get(response.url)
    assert "Kirim untuk verifikasi" in review.text
    with django_capture_on_commit_callbacks(execute=True):
        response = seller.post(reverse("vendors:onboarding_review", args=[shop.slug]))

    shop.refresh_from_db()
    assert response.url == reverse("vendors:dashboard", args=[shop.slug])
    assert shop.status == Shop.Status.PENDING
    assert ShopStatusEvent.objects.get(shop=shop).actor == shop_a_owner
    assert [m.to for m in mailoutbox] == [[shop_a_owner.email]]


def test_a_draft_is_listed_and_resumes_at_the_first_unfinished_step(seller, shop_a_owner):
    seller.post(reverse("vendors:start"), {**profile_data(), "leave": "1"})
    shop = Shop.objects.get(members__user=shop_a_owner)
    address_step = reverse("vendors:onboarding_address", args=[shop.slug])

    my_shops = seller.get(reverse("vendors:my_shops"))
    resume = seller.get(reverse("vendors:onboarding", args=[shop.slug]))

    assert "Keripik Bu Sri" in my_shops.text
    assert f'href="{address_step}"' in my_shops.text
    assert resume.url == address_step


def test_save_and_continue_later_returns_to_my_shops(seller, shop_a_owner, district):
    seller.post(reverse("vendors:start"), profile_data())
    shop = Shop.objects.get(members__user=shop_a_owner)

    response = seller.post(
        reverse("vendors:onboarding_address", args=[shop.slug]), {**address_data(district), "leave": "1"}
    )

    assert response.url == reverse("vendors:my_shops")
    shop.refresh_from_db()
    assert (shop.district, shop.onboarding_step) == (district, 3)


def test_the_region_lists_are_filled_without_javascript(seller, shop_a, district):
    url = reverse("vendors:onboarding_address", args=[shop_a.slug])
    typed = {"street_address": "Jl. Baru 1", "province": district.regency.province_id, "choose": "province"}

    after_province = seller.post(url, typed)
    after_regency = seller.post(url, {**typed, "regency": district.regency_id, "choose": "regency"})

    assert after_province.status_code == 200
    assert '<option value="32.14">Kabupaten Purwakarta</option>' in after_province.text
    assert 'value="Jl. Baru 1"' in after_province.text
    assert "errorlist" not in after_province.text
    assert '<option value="32.14.01">Purwakarta</option>' in after_regency.text


def test_a_district_outside_the_chosen_regency_is_refused(seller, shop_a, district):
    from marketplace.models import District, Regency

    other = Regency.objects.create(
        code="32.15", province_id="32", name="Kabupaten Karawang", kind="kabupaten"
    )
    outside = District.objects.create(code="32.15.01", regency=other, name="Karawang Barat")

    response = seller.post(
        reverse("vendors:onboarding_address", args=[shop_a.slug]), address_data(district, district=outside.pk)
    )

    assert response.status_code == 200
    assert "errorlist" in response.text


def test_the_region_endpoint_lists_regencies_and_districts(client, district):
    regencies = client.get(reverse("vendors:region_options"), {"province": "32"}).json()
    districts = client.get(reverse("vendors:region_options"), {"regency": "32.14"}).json()

    assert regencies == {"options": [{"value": "32.14", "label": "Kabupaten Purwakarta"}]}
    assert districts == {"options": [{"value": "32.14.01", "label": "Purwakarta"}]}


def test_a_new_shop_without_details_cannot_be_submitted(seller, shop_a_owner):
    seller.post(reverse("vendors:start"), profile_data())
    shop = Shop.objects.get(members__user=shop_a_owner)

    response = seller.post(reverse("vendors:onboarding_review", args=[shop.slug]))

    assert response.status_code == 200
    assert "Lengkapi dulu" in response.text
    shop.refresh_from_db()
    assert shop.status == Shop.Status.DRAFT


def test_a_rejected_shop_is_fixed_and_submitted_again(seller, shop_a, shop_a_owner):
    Shop.objects.filter(pk=shop_a.pk).update(status=Shop.Status.REJECTED, status_reason="Foto KTP buram.")

    dashboard = seller.get(reverse("vendors:dashboard", args=[shop_a.slug]))
    seller.post(
        reverse("vendors:onboarding_legal", args=[shop_a.slug]),
        legal_data(nib="", identity_document=photo("ktp-baru.png")),
    )
    seller.post(reverse("vendors:onboarding_review", args=[shop_a.slug]))

    assert "Foto KTP buram." in dashboard.text
    assert "Perbaiki dan kirim lagi" in dashboard.text
    shop_a.refresh_from_db()
    assert shop_a.status == Shop.Status.PENDING


@pytest.mark.parametrize(
    ("status", "banner"),
    [
        ("draft", "Toko Anda masih draf"),
        ("pending", "Menunggu verifikasi"),
        ("approved", "Toko Anda sudah buka"),
        ("rejected", "Toko Anda tidak disetujui"),
        ("suspended", "Toko Anda dibekukan"),
    ],
)
def test_every_dashboard_page_explains_the_shop_status(status, banner, seller, shop_a):
    Shop.objects.filter(pk=shop_a.pk).update(status=status, status_reason="Alasan dari dinas")

    for name in ["dashboard", "settings", "shipping", "members", "bank_accounts"]:
        response = seller.get(reverse(f"vendors:{name}", args=[shop_a.slug]))
        assert banner in response.text, name


def test_my_shops_offers_to_open_one_when_there_is_none(login, buyer):
    response = login(buyer).get(reverse("vendors:my_shops"))

    assert f'href="{reverse("vendors:start")}"' in response.text


def test_the_dashboard_speaks_english_when_chosen(seller, shop_a, settings):
    seller.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = seller.get(reverse("vendors:dashboard", args=[shop_a.slug]))

    assert "Your shop is open" in response.text
    assert "Bank accounts" in response.text
