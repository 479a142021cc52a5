"""Assisted onboarding by dinas staff and by community managers, and the community pages."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from catalog.models import Category
from conftest import make_user
from marketplace.models import Notification, User
from reports.tests import factories as f
from vendors.models import CommunityManager, Shop, ShopStatusEvent
from vendors.tests.conftest import photo


@pytest.fixture
def district(db):
    return f.region(*f.PURWAKARTA)


def form_data(district, **overrides):
    category = Category.objects.get_or_create(slug="makanan-ringan", defaults={"name": "Makanan Ringan"})[0]
    data = {
        "owner_name": "Ibu Sumi",
        "owner_email": "sumi@example.com",
        "whatsapp": "0812 3456 7890",
        "name": "Opak Bu Sumi",
        "description": "Opak ketan khas Purwakarta",
        "street_address": "Jl. Pasar Rebo 3",
        "district": district.code,
        "postal_code": "41111",
        "nib": "",
        "produk-TOTAL_FORMS": "3",
        "produk-INITIAL_FORMS": "0",
        "produk-0-name": "Opak Ketan",
        "produk-0-category": category.pk,
        "produk-0-price": "12000",
        "produk-0-stock": "20",
    }
    return {**data, **overrides}


def test_staff_open_a_shop_with_its_owner_and_first_products(moderator_client, dinas_moderator, district):
    legal = {
        "identity_document": photo("ktp.png"),
        "bank": "BJB",
        "account_number": "0012-3456-78",
        "holder_name": "Sumi",
    }
    response = moderator_client.post(reverse("reports:onboard"), form_data(district, **legal))

    shop = Shop.objects.get(name="Opak Bu Sumi")
    assert response.status_code == 302 and response.url == reverse(
        "admin:vendors_shop_change", args=[shop.pk]
    )
    owner = User.objects.get(email="sumi@example.com")
    assert not owner.has_usable_password()
    assert shop.members.get().user == owner
    assert shop.status == Shop.Status.PENDING
    assert shop.whatsapp == "+6281234567890"
    assert [p.name for p in shop.products.all()] == ["Opak Ketan"]
    assert shop.bank_accounts.get().account_number == "0012345678"
    assert shop.identity_document
    created = ShopStatusEvent.objects.filter(shop=shop).order_by("created_at", "id").first()
    assert created.actor == dinas_moderator and dinas_moderator.email in created.reason


def test_without_ktp_and_bank_account_the_shop_waits_for_its_owner(moderator_client, district):
    moderator_client.post(reverse("reports:onboard"), form_data(district))

    shop = Shop.objects.get(name="Opak Bu Sumi")
    assert shop.status == Shop.Status.DRAFT
    assert shop.onboarding_step == 3  # profile and address done: the owner continues at the legal step


def test_a_half_filled_bank_account_is_refused(moderator_client, district):
    response = moderator_client.post(reverse("reports:onboard"), form_data(district, bank="BRI"))

    assert response.status_code == 200
    assert not Shop.objects.exists()


def test_the_owner_gets_a_link_to_set_a_password_and_take_over(
    moderator_client, client, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moderator_client.post(reverse("reports:onboard"), form_data(district))
    notification = Notification.objects.get(
        user__email="sumi@example.com", url__contains="/password/reset/key/"
    )
    assert any(notification.url in message.body for message in mail.outbox)

    client.logout()
    page = client.get(notification.url, follow=True)
    assert page.status_code == 200
    set_password = page.redirect_chain[-1][0] if page.redirect_chain else notification.url
    client.post(set_password, {"password1": "opak-ketan-enak-2026", "password2": "opak-ketan-enak-2026"})

    assert User.objects.get(email="sumi@example.com").check_password("opak-ketan-enak-2026")


def test_an_existing_account_is_not_taken_over(moderator_client, district):
    make_user("sumi@example.com")

    response = moderator_client.post(reverse("reports:onboard"), form_data(district))

    assert response.status_code == 200
    assert not Shop.objects.filter(name="Opak Bu Sumi").exists()


def test_a_bad_product_row_creates_nothing(moderator_client, district):
    moderator_client.post(reverse("reports:onboard"), form_data(district, **{"produk-0-price": "-5"}))

    assert not User.objects.filter(email="sumi@example.com").exists()


@pytest.fixture
def manager(dataset):
    user = make_user("ketua@koperasi.example", first_name="Pak Ketua")
    CommunityManager.objects.create(community=dataset["communities"]["maju"], user=user)
    return user


def test_a_manager_sees_the_members_figures(client, password, manager, dataset):
    client.login(email=manager.email, password=password)

    page = client.get(reverse("reports:community_dashboard", args=["koperasi-maju"])).content.decode()

    assert "Dapur Ani" in page and "Batik Bayu" in page and "Gonggong Citra" not in page


def test_a_manager_onboards_a_member_into_the_community(client, password, manager, district):
    client.login(email=manager.email, password=password)

    client.post(reverse("reports:community_onboard", args=["koperasi-maju"]), form_data(district))

    shop = Shop.objects.get(name="Opak Bu Sumi")
    assert [c.slug for c in shop.communities.all()] == ["koperasi-maju"]
    page = client.get(reverse("reports:community_dashboard", args=["koperasi-maju"])).content.decode()
    assert "Opak Bu Sumi" in page
    assert ShopStatusEvent.objects.filter(shop=shop, actor=manager).exists()


def test_other_users_get_404_on_a_community_dashboard(client, password, manager, buyer, dataset):
    client.login(email=buyer.email, password=password)

    assert client.get(reverse("reports:community_dashboard", args=["koperasi-maju"])).status_code == 404
    assert client.get(reverse("reports:community_onboard", args=["koperasi-maju"])).status_code == 404
    client.logout()
    client.login(email=manager.email, password=password)
    assert client.get(reverse("reports:community_dashboard", args=["paguyuban-batik"])).status_code == 404


def test_the_public_community_page_lists_members_and_their_products(client, dataset):
    page = client.get(reverse("vendors:community", args=["koperasi-maju"])).content.decode()

    assert "Dapur Ani" in page and "Keripik Singkong" in page and "Kain Batik" in page
    assert "Suvenir Gonggong" not in page


def test_staff_add_community_managers_by_e_mail(moderator_client, dataset):
    make_user("bendahara@koperasi.example")
    maju = dataset["communities"]["maju"]

    moderator_client.post(
        reverse("admin:vendors_communitymanager_add"),
        {"community": maju.pk, "email": "bendahara@koperasi.example"},
    )

    assert CommunityManager.objects.filter(community=maju, user__email="bendahara@koperasi.example").exists()


def test_the_onboarding_link_is_a_password_reset_key():
    assert re.search(
        r"/accounts/password/reset/key/", reverse("account_reset_password_from_key", args=["1", "k"])
    )


def test_a_manager_finds_the_community_from_the_dashboard(client, password, manager):
    client.login(email=manager.email, password=password)

    page = client.get(reverse("vendors:my_shops")).content.decode()

    assert reverse("reports:community_dashboard", args=["koperasi-maju"]) in page


def test_the_community_page_runs_four_queries_whatever_the_number_of_members(
    client, dataset, django_assert_max_num_queries
):
    maju = dataset["communities"]["maju"]
    for i in range(10):
        shop = f.shop(make_user(f"anggota{i}@example.com"), f"Anggota {i}", communities=[maju])
        f.product(shop, category=dataset["products"]["keripik"].category)

    # The community, its shops, their products, and the products' photos.
    with django_assert_max_num_queries(4):
        response = client.get(maju.get_absolute_url())

    assert response.content.decode().count('class="shop-list-name"') == 12


def test_the_onboarding_form_asks_for_every_field(moderator_client, district):
    page = moderator_client.get(reverse("reports:onboard")).content.decode()

    for name in ["owner_name", "owner_email", "whatsapp", "name", "street_address", "district", "community"]:
        assert f'name="{name}"' in page
    assert 'name="produk-0-price"' in page
    assert '<option value="32.14.01">' in page
