"""The shop's courier settings pages: who may see them, what they save, and bad input."""

import re

import pytest
from django.urls import reverse

from conftest import make_user
from shipping.models import OwnDeliveryArea, ShopCourierService, ShopShippingProfile, Tariff, TrackingEvent
from vendors.models import ShopMember


@pytest.fixture(autouse=True)
def english_pages(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def owner_client(client, shop_a):
    client.force_login(shop_a.members.get(role=ShopMember.Role.OWNER).user)
    return client


@pytest.fixture
def staff_client(client, shop_a):
    staff = make_user("staff-a@example.com")
    ShopMember.objects.create(shop=shop_a, user=staff, role=ShopMember.Role.STAFF)
    client.force_login(staff)
    return client


def url(name, shop, **kwargs):
    return reverse(f"shipping:{name}", kwargs={"shop_slug": shop.slug, **kwargs})


PAGES = ["couriers", "own_delivery", "tariffs", "tariff_template"]


@pytest.mark.parametrize("name", PAGES)
def test_a_visitor_is_sent_to_log_in(client, shop_a, name):
    response = client.get(url(name, shop_a))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", PAGES)
def test_another_shops_member_finds_nothing(client, shop_a, shop_b, name):
    client.force_login(shop_b.members.get().user)
    assert client.get(url(name, shop_a)).status_code == 404
    assert client.post(url(name, shop_a), {"save_services": "1", "services": ["jne:REG"]}).status_code == 404
    assert not ShopCourierService.objects.exists()


def test_another_shop_cannot_remove_an_area(client, shop_a, shop_b, purwakarta):
    area = OwnDeliveryArea.objects.create(shop=shop_a, district=purwakarta, fee=5000)
    client.force_login(shop_b.members.get().user)
    assert client.post(url("remove_own_delivery_area", shop_b, area_id=area.pk)).status_code == 404
    assert client.post(url("remove_own_delivery_area", shop_a, area_id=area.pk)).status_code == 404
    assert OwnDeliveryArea.objects.filter(pk=area.pk).exists()


def test_shop_staff_may_view_and_change_courier_settings(staff_client, shop_a):
    assert staff_client.get(url("couriers", shop_a)).status_code == 200
    response = staff_client.post(url("couriers", shop_a), {"save_services": "1", "services": ["jnt:EZ"]})
    assert response.status_code == 302
    assert list(ShopCourierService.objects.values_list("service", flat=True)) == ["jnt:EZ"]


def test_the_shipping_page_links_to_the_courier_settings(owner_client, shop_a):
    page = owner_client.get(reverse("vendors:shipping", args=[shop_a.slug])).content.decode()
    assert url("couriers", shop_a) in page


def test_services_are_switched_on_and_off(owner_client, shop_a, shop_b):
    ShopCourierService.objects.create(shop=shop_b, service="jne:REG")  # another shop's choice stays
    owner_client.post(
        url("couriers", shop_a), {"save_services": "1", "services": ["jne:REG", "sicepat:BEST"]}
    )
    assert set(shop_a.courier_services.values_list("service", flat=True)) == {"jne:REG", "sicepat:BEST"}
    page = owner_client.get(url("couriers", shop_a)).content.decode()
    assert re.search(r'value="jne:REG"[^>]*checked', page)
    assert not re.search(r'value="jne:YES"[^>]*checked', page)
    owner_client.post(url("couriers", shop_a), {"save_services": "1", "services": ["jne:YES"]})
    assert list(shop_a.courier_services.values_list("service", flat=True)) == ["jne:YES"]
    owner_client.post(url("couriers", shop_a), {"save_services": "1"})
    assert not shop_a.courier_services.exists()
    assert shop_b.courier_services.count() == 1


def test_an_unknown_service_is_refused_with_a_message(owner_client, shop_a):
    response = owner_client.post(url("couriers", shop_a), {"save_services": "1", "services": ["dhl:EXPRESS"]})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ShopCourierService.objects.exists()


def test_the_default_weight_is_saved_and_cleared(owner_client, shop_a):
    owner_client.post(url("couriers", shop_a), {"save_weight": "1", "default_weight_grams": "250"})
    assert ShopShippingProfile.objects.get(shop=shop_a).default_weight_grams == 250
    owner_client.post(url("couriers", shop_a), {"save_weight": "1", "default_weight_grams": ""})
    assert ShopShippingProfile.objects.get(shop=shop_a).default_weight_grams is None


@pytest.mark.parametrize(
    "typed, message",
    [
        ("0", "at least 1 gram"),
        ("-5", "at least 1 gram"),
        ("1000000", "at most 50,000"),
        ("dua", "whole grams"),
    ],
)
def test_a_bad_weight_is_refused_and_kept(owner_client, shop_a, typed, message):
    response = owner_client.post(url("couriers", shop_a), {"save_weight": "1", "default_weight_grams": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'value="{typed}"' in page
    assert not ShopShippingProfile.objects.exists()


def test_own_delivery_areas_by_district_regency_or_name(owner_client, shop_a, purwakarta, tegal):
    for region, fee in [("32.14.01", "8000"), ("33.76", "25000"), ("Kabupaten Purwakarta", "12000")]:
        response = owner_client.post(url("own_delivery", shop_a), {"region": region, "fee": fee})
        assert response.status_code == 302, response.content.decode()
    areas = {(a.district_id or a.regency_id, a.fee) for a in OwnDeliveryArea.objects.filter(shop=shop_a)}
    assert areas == {("32.14.01", 8000), ("33.76", 25000), ("32.14", 12000)}
    page = owner_client.get(url("own_delivery", shop_a)).content.decode()
    assert "Rp8.000" in page and "Kota Tegal" in page
    # The list suggests the shop's own regency's districts without any script.
    assert 'list="region-suggestions"' in page and '<option value="32.14.01">Purwakarta</option>' in page


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"region": "32.14.01", "fee": "0"}, "at least Rp1"),
        ({"region": "32.14.01", "fee": "-2000"}, "at least Rp1"),
        ({"region": "32.14.01", "fee": "sepuluh ribu"}, "whole rupiah"),
        ({"region": "99.99", "fee": "5000"}, "is not a regency, city or district we know"),
        ({"region": "", "fee": "5000"}, "This field is required"),
    ],
)
def test_a_bad_area_is_refused_with_the_typed_values_kept(owner_client, shop_a, purwakarta, typed, message):
    response = owner_client.post(url("own_delivery", shop_a), typed)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "everything else you typed is kept" in page
    for value in typed.values():
        if value:
            assert f'value="{value}"' in page
    assert not OwnDeliveryArea.objects.exists()


def test_a_duplicate_area_is_refused(owner_client, shop_a, purwakarta):
    OwnDeliveryArea.objects.create(shop=shop_a, district=purwakarta, fee=5000)
    response = owner_client.post(url("own_delivery", shop_a), {"region": "32.14.01", "fee": "7000"})
    assert response.status_code == 200
    assert "You already deliver to Purwakarta" in response.content.decode()
    assert OwnDeliveryArea.objects.get().fee == 5000


def test_an_area_is_removed(owner_client, shop_a, purwakarta):
    area = OwnDeliveryArea.objects.create(shop=shop_a, district=purwakarta, fee=5000)
    assert owner_client.get(url("remove_own_delivery_area", shop_a, area_id=area.pk)).status_code == 405
    response = owner_client.post(url("remove_own_delivery_area", shop_a, area_id=area.pk))
    assert response.status_code == 302
    assert not OwnDeliveryArea.objects.exists()


def upload(client, shop, text, name="tarif.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = text if isinstance(text, bytes) else text.encode()
    return client.post(
        url("tariffs", shop), {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    )


HEADER = "origin,destination,courier,service,first_kg_fee,next_kg_fee,min_days,max_days\n"


def test_a_shop_imports_its_own_tariffs(owner_client, shop_a, purwakarta, batam):
    response = upload(
        owner_client,
        shop_a,
        HEADER + "32.14,21.71,jne,REG,35000,30000,3,5\n32.14,21,jnt,EZ,20000,15000,2,4\n",
    )
    assert response.status_code == 302
    assert Tariff.objects.filter(shop=shop_a).count() == 2
    assert not Tariff.objects.filter(shop__isnull=True).exists()
    page = owner_client.get(url("tariffs", shop_a)).content.decode()
    assert "2 new, 0 updated" in page
    assert "2 tariffs of its own" in page


@pytest.mark.parametrize(
    "content, message",
    [
        (HEADER + "32.14,99.99,jne,REG,35000,30000,3,5\n", "Line 2:"),
        (HEADER + "32.14,21.71,jne,REG,-1,30000,3,5\n", "cannot be negative"),
        ("asal,tujuan\n1,2\n", "The columns do not match"),
        ("\xff\xfe".encode("latin-1") + b"\x00garbage", "not UTF-8"),
        (b"", "The submitted file is empty"),
    ],
)
def test_a_malformed_tariff_file_writes_nothing(owner_client, shop_a, purwakarta, batam, content, message):
    response = upload(owner_client, shop_a, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Tariff.objects.exists()


def test_the_example_file_downloads(owner_client, shop_a):
    response = owner_client.get(url("tariff_template", shop_a))
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith("origin,destination,courier")


@pytest.mark.parametrize("name", ["couriers", "own_delivery", "tariffs"])
def test_pages_carry_no_inline_style_or_script(owner_client, shop_a, name):
    page = owner_client.get(url(name, shop_a)).content.decode()
    main = page[page.index("<main") :]
    assert "style=" not in main
    assert not re.search(r"<script(?![^>]*\bsrc=)", main)  # scripts are files, never inline
    assert "courier_settings.css" in page


def test_the_pages_speak_indonesian(client, shop_a, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    client.force_login(shop_a.members.get().user)
    page = client.get(url("couriers", shop_a)).content.decode()
    assert "Pengaturan kurir" in page and "Layanan kurir yang Anda tawarkan" in page
    response = client.post(url("own_delivery", shop_a), {"region": "99.99", "fee": "0"})
    page = response.content.decode()
    assert "bukan kabupaten, kota, atau kecamatan yang kami kenal" in page
    assert "Ongkos paling sedikit Rp1" in page


def test_the_admin_lists_tracking_events_read_only(admin_client, db):
    from django.utils import timezone

    TrackingEvent.objects.create(
        waybill="JP1234567890", status="delivered", happened_at=timezone.now(), source="x", fingerprint="f"
    )
    assert admin_client.get(reverse("admin:shipping_trackingevent_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:shipping_trackingevent_add")).status_code == 403


def test_a_file_over_the_limit_is_refused_unread(owner_client, shop_a, settings):
    from shipping import tariff_import

    big = HEADER + "32.14,21.71,jne,REG,35000,30000,3,5\n" * (tariff_import.MAX_BYTES // 30)
    response = upload(owner_client, shop_a, big)
    assert response.status_code == 200
    assert "larger than 5 MB" in response.content.decode()
    assert not Tariff.objects.exists()


def test_an_area_saved_twice_at_once_is_refused_not_a_crash(owner_client, shop_a, purwakarta, monkeypatch):
    from shipping import forms

    # Both requests passed the form's check before either was written.
    monkeypatch.setattr(
        forms.OwnDeliveryAreaForm,
        "clean",
        lambda form: {**form.cleaned_data, "area": {"district": purwakarta}},
    )
    OwnDeliveryArea.objects.create(shop=shop_a, district=purwakarta, fee=5000)
    response = owner_client.post(url("own_delivery", shop_a), {"region": "32.14.01", "fee": "7000"})
    assert response.status_code == 200
    assert "You already deliver to Purwakarta" in response.content.decode()
    assert OwnDeliveryArea.objects.get().fee == 5000
