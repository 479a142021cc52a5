"""What sellers type wrong: each mistake is explained in their language and nothing typed is lost."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from vendors.models import Shop
from vendors.tests.conftest import make_shop, photo

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def start(client, **overrides):
    data = {"name": "Keripik Bu Sri", "slug": "", "whatsapp": "0812 3456 7890", **overrides}
    return client.post(reverse("vendors:start"), data)


@pytest.fixture
def seller(login, shop_a_owner):
    return login(shop_a_owner)


@pytest.mark.parametrize("typed", ["081234567890", "0812-3456-7890", "+62 812-3456-7890", "6281234567890"])
def test_whatsapp_numbers_in_local_forms_are_stored_in_e164(typed, seller, shop_a_owner):
    start(seller, whatsapp=typed)

    assert Shop.objects.get(members__user=shop_a_owner).whatsapp == "+6281234567890"


@pytest.mark.parametrize("typed", ["12345", "0221234567", "+1 202 555 0143", "nomor saya"])
def test_an_invalid_whatsapp_number_is_refused_and_the_form_keeps_what_was_typed(typed, seller, shop_a_owner):
    response = start(seller, whatsapp=typed, description="Keripik pedas")

    assert "Isi nomor ponsel Indonesia" in response.text
    assert 'value="Keripik Bu Sri"' in response.text
    assert "Keripik pedas</textarea>" in response.text
    assert not Shop.objects.filter(members__user=shop_a_owner).exists()


def test_a_duplicate_shop_name_gets_a_distinct_address(seller, shop_a, shop_a_owner):
    start(seller, name=shop_a.name)

    slugs = set(Shop.objects.filter(members__user=shop_a_owner).values_list("slug", flat=True))
    assert slugs == {"keripik-bu-sri", "keripik-bu-sri-2"}


@pytest.mark.parametrize("slug", ["admin", "dashboard", "buka-toko", "toko"])
def test_a_reserved_shop_address_is_refused(slug, seller, shop_a_owner):
    response = start(seller, slug=slug)

    assert f"“{slug}” sudah dipakai sistem" in response.text
    assert 'value="Keripik Bu Sri"' in response.text
    assert not Shop.objects.filter(members__user=shop_a_owner).exists()


def test_a_name_without_letters_or_digits_needs_an_address(seller):
    response = start(seller, name="!!!", slug="")

    assert "Pilih alamat toko yang berisi huruf atau angka." in response.text


def test_the_shop_address_is_locked_once_submitted(seller, shop_a):
    Shop.objects.filter(pk=shop_a.pk).update(status=Shop.Status.PENDING)

    response = seller.get(reverse("vendors:onboarding_profile", args=[shop_a.slug]))

    assert 'name="slug"' not in response.text


def test_a_logo_that_is_not_an_image_is_refused_and_must_be_chosen_again(seller, shop_a_owner):
    fake = SimpleUploadedFile("logo.png", b"MZ\x90\x00 this is a program", content_type="image/png")

    response = start(seller, logo=fake)

    assert "Berkas ini bukan foto yang bisa kami baca" in response.text
    assert "pilih lagi berkas ini: Logo" in response.text
    assert 'value="Keripik Bu Sri"' in response.text
    assert not Shop.objects.filter(members__user=shop_a_owner).exists()


def test_a_logo_over_5_mb_is_refused_with_its_size(seller):
    big = SimpleUploadedFile("logo.png", b"\x89PNG" + b"\0" * (5 * MB), content_type="image/png")

    response = start(seller, logo=big)

    assert "batasnya 5,0\xa0MB" in response.text or "batasnya 5,0 MB" in response.text


def test_a_banner_over_25_megapixels_is_refused(seller):
    response = start(seller, banner=photo("banner.png", size=(6000, 5000)))

    assert "30,0 megapiksel" in response.text or "30.0 megapiksel" in response.text


def test_a_valid_logo_chosen_beside_an_invalid_field_must_be_chosen_again(seller):
    response = start(seller, whatsapp="123", logo=photo())

    assert "pilih lagi berkas ini: Logo" in response.text


def test_a_ktp_photo_over_10_mb_is_refused(seller, shop_a):
    big = SimpleUploadedFile("ktp.jpg", b"\xff\xd8" + b"\0" * (10 * MB), content_type="image/jpeg")

    response = seller.post(
        reverse("vendors:onboarding_legal", args=[shop_a.slug]),
        {"identity_document": big, "bank": "BRI", "account_number": "123456789", "holder_name": "Sri"},
    )

    assert "batasnya 10,0" in response.text
    assert "pilih lagi berkas ini: Foto KTP pemilik" in response.text
    assert 'value="123456789"' in response.text


@pytest.mark.parametrize("nib", ["12345", "12345678901234", "12345678901ab"])
def test_an_nib_that_is_not_13_digits_is_refused(nib, seller, shop_a):
    response = seller.post(
        reverse("vendors:onboarding_legal", args=[shop_a.slug]),
        {
            "nib": nib,
            "identity_document": photo(),
            "bank": "BRI",
            "account_number": "123456789",
            "holder_name": "Sri",
        },
    )

    assert "NIB terdiri dari tepat 13 angka." in response.text
    assert not shop_a.bank_accounts.exists()


@pytest.mark.parametrize("number", ["12AB34567", "1234", "123456789012345678901"])
def test_a_bank_account_number_must_be_digits(number, seller, shop_a):
    response = seller.post(
        reverse("vendors:bank_accounts", args=[shop_a.slug]),
        {"bank": "BNI", "account_number": number, "holder_name": "Sri Wahyuni"},
    )

    assert "Nomor rekening terdiri dari 5 sampai 20 angka saja." in response.text
    assert 'value="Sri Wahyuni"' in response.text
    assert not shop_a.bank_accounts.exists()


def test_the_same_bank_account_twice_is_refused(seller, shop_a):
    data = {"bank": "BNI", "account_number": "1234567890", "holder_name": "Sri"}
    seller.post(reverse("vendors:bank_accounts", args=[shop_a.slug]), data)

    response = seller.post(reverse("vendors:bank_accounts", args=[shop_a.slug]), data)

    assert "Rekening ini sudah terdaftar untuk toko." in response.text
    assert shop_a.bank_accounts.count() == 1


def test_script_in_a_description_is_shown_as_text(client, shop_a_owner, district):
    shop = make_shop(
        shop_a_owner, "Toko Aman", district=district, description='<script>alert("x")</script>\n\nBaris dua'
    )

    response = client.get(shop.get_absolute_url())

    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text
    assert "<p>Baris dua</p>" in response.text


def test_an_image_is_checked_by_its_content_not_its_name(seller, shop_a_owner):
    buffer = __import__("io").BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")
    gif = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = start(seller, logo=gif)

    assert "Hanya foto JPEG, PNG, atau WebP" in response.text


def test_a_refused_settings_form_leaves_the_saved_name_around_it(seller, shop_a):
    response = seller.post(
        reverse("vendors:settings", args=[shop_a.slug]), {"name": "Nama Baru", "whatsapp": "1"}
    )

    assert 'value="Nama Baru"' in response.text
    assert f'class="dashboard-shop" href="/dashboard/{shop_a.slug}/">Keripik Bu Sri</a>' in response.text
