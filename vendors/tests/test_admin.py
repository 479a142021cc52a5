import pytest
from django.core import mail

from conftest import make_user
from marketplace.models import Notification
from marketplace.regions import load_regions
from vendors import services
from vendors.demo import seed_shops
from vendors.models import Shop, ShopStatusEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, db):
    make_user("dinas@example.com", is_staff=True, is_superuser=True)
    client.login(email="dinas@example.com", password="correct-horse-battery")
    return client


@pytest.fixture
def pending_shop(db):
    owner = make_user("owner@example.com")
    shop = services.start_shop(owner=owner, name="Keripik Tempe Bu Sri", whatsapp="+6281234567890")
    Shop.objects.filter(pk=shop.pk).update(status=Shop.Status.PENDING)
    shop.refresh_from_db()
    return shop


def status_url(shop, to):
    return f"/admin/vendors/shop/{shop.pk}/status/{to}/"


def test_staff_approve_a_pending_shop_and_the_owner_is_told(
    staff_client, pending_shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(status_url(pending_shop, "approved"), {"reason": ""})

    assert response.status_code == 302
    pending_shop.refresh_from_db()
    assert pending_shop.status == Shop.Status.APPROVED
    event = ShopStatusEvent.objects.get(shop=pending_shop)
    assert (event.actor.email, event.to_status) == ("dinas@example.com", "approved")
    assert Notification.objects.get(user__email="owner@example.com").title.startswith(("Toko", "Your shop"))
    assert mail.outbox[0].to == ["owner@example.com"]


def test_rejecting_without_a_reason_is_refused_and_changes_nothing(staff_client, pending_shop):
    response = staff_client.post(status_url(pending_shop, "rejected"), {"reason": "  "})

    assert response.status_code == 200
    assert "Tulis alasannya; pemilik toko akan membacanya." in response.text
    pending_shop.refresh_from_db()
    assert pending_shop.status == Shop.Status.PENDING
    assert not ShopStatusEvent.objects.exists()


def test_rejecting_with_a_reason_records_it_for_the_owner(staff_client, pending_shop):
    staff_client.post(status_url(pending_shop, "rejected"), {"reason": "Foto KTP tidak terbaca."})

    pending_shop.refresh_from_db()
    assert pending_shop.status == Shop.Status.REJECTED
    assert pending_shop.status_reason == "Foto KTP tidak terbaca."
    page = staff_client.get(f"/admin/vendors/shop/{pending_shop.pk}/change/")
    assert "Foto KTP tidak terbaca." in page.text  # the history inline


def test_an_illegal_move_is_refused(staff_client, pending_shop):
    response = staff_client.post(status_url(pending_shop, "suspended"), {"reason": "spam"})

    assert response.status_code == 200
    pending_shop.refresh_from_db()
    assert pending_shop.status == Shop.Status.PENDING


def test_change_page_offers_only_the_moves_of_the_current_status(staff_client, pending_shop):
    page = staff_client.get(f"/admin/vendors/shop/{pending_shop.pk}/change/")

    assert status_url(pending_shop, "approved") in page.text
    assert status_url(pending_shop, "rejected") in page.text
    assert status_url(pending_shop, "suspended") not in page.text


def test_shop_list_filters_by_status_region_and_community_in_few_queries(
    staff_client, django_assert_max_num_queries
):
    load_regions()
    seed_shops()

    with django_assert_max_num_queries(20):
        response = staff_client.get("/admin/vendors/shop/?status__exact=pending")
    assert response.status_code == 200
    assert "Rengginang Bu Imas" in response.text
    assert "Sate Maranggi" not in response.text

    response = staff_client.get("/admin/vendors/shop/?regency=21.71")
    assert "Kerupuk Ikan Bu Ros Batam" in response.text
    assert "Sate Maranggi" not in response.text


def test_script_in_a_shop_name_is_escaped_in_admin(staff_client, pending_shop):
    Shop.objects.filter(pk=pending_shop.pk).update(name="<script>alert(1)</script>")

    response = staff_client.get("/admin/vendors/shop/")

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_a_buyer_cannot_change_a_shop_status(client, buyer, password, pending_shop):
    client.login(email=buyer.email, password=password)

    response = client.post(status_url(pending_shop, "approved"), {"reason": ""})

    assert response.status_code == 302  # to the admin log-in
    pending_shop.refresh_from_db()
    assert pending_shop.status == Shop.Status.PENDING


def test_demo_shops_are_idempotent(db):
    load_regions()
    assert seed_shops() == 20
    assert seed_shops() == 0
    assert Shop.objects.filter(status=Shop.Status.APPROVED).count() == 20
    assert Shop.objects.filter(status=Shop.Status.PENDING).count() == 1
    assert Shop.objects.values("district__regency").distinct().count() >= 4
