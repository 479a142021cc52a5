"""The "Dinas moderator" group: exactly what the dinas work needs, nothing on users or payments."""

import importlib

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from conftest import GROUP_MIGRATION, make_user, moderator_group

SHIPPING_MIGRATION = importlib.import_module("shipping.migrations.0002_dinas_moderators_edit_tariffs")


def test_the_group_holds_exactly_the_listed_permissions(db):
    group = moderator_group()

    granted = {
        (p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")
    }

    expected = {(app, codename) for app, names in GROUP_MIGRATION.PERMISSIONS.items() for codename in names}
    # Later migrations of other apps add to the group (courier tariffs: shipping's 0002).
    expected |= {("shipping", codename) for codename in SHIPPING_MIGRATION.CODENAMES}
    assert granted == expected
    assert not {p for p in granted if p[0] in ("orders", "auth") or p[1].endswith("_user")}


@pytest.mark.parametrize(
    "url",
    [
        "admin:index",
        "admin:vendors_shop_changelist",
        "admin:vendors_shopstatusevent_changelist",
        "admin:vendors_community_changelist",
        "admin:vendors_communitymanager_changelist",
        "admin:catalog_product_changelist",
        "admin:catalog_reportedproduct_changelist",
        "admin:catalog_takedownappeal_changelist",
        "admin:catalog_moderationevent_changelist",
        "admin:catalog_expo_changelist",
        "admin:catalog_expo_add",
        "reports:index",
        "reports:history",
        "reports:onboard",
    ],
)
def test_a_moderator_reaches_the_dinas_pages(moderator_client, url):
    assert moderator_client.get(reverse(url)).status_code == 200


def test_a_moderator_cannot_touch_users_or_their_passwords(moderator_client, buyer):
    assert moderator_client.get(reverse("admin:marketplace_user_changelist")).status_code == 403
    assert moderator_client.get(reverse("admin:marketplace_user_change", args=[buyer.pk])).status_code == 403
    assert (
        moderator_client.get(reverse("admin:auth_user_password_change", args=[buyer.pk])).status_code == 403
    )
    assert moderator_client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_a_moderator_cannot_see_orders_or_payments(moderator_client):
    for model in ("order", "payment", "checkout"):
        name = f"admin:orders_{model}_changelist"
        if any(m._meta.model_name == model and m._meta.app_label == "orders" for m in site._registry):
            assert moderator_client.get(reverse(name)).status_code == 403


def test_a_moderator_cannot_add_or_delete_shops(moderator_client, dataset):
    shop = dataset["shops"]["ani"]

    assert moderator_client.get(reverse("admin:vendors_shop_add")).status_code == 403
    assert moderator_client.get(reverse("admin:vendors_shop_delete", args=[shop.pk])).status_code == 403


def test_staff_without_the_group_sees_no_dinas_pages(db, client, password):
    make_user("staf@dinas.example", is_staff=True)
    client.login(email="staf@dinas.example", password=password)

    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("admin:vendors_shop_changelist")).status_code == 403


@pytest.mark.parametrize("who", ["buyer", "vendor"])
def test_buyers_and_vendors_get_no_admin_access(client, password, dataset, who):
    email = "buyer@example.com" if who == "buyer" else "owner0@example.com"
    client.login(email=email, password=password)

    for url in [reverse("admin:index"), reverse("admin:vendors_shop_changelist"), reverse("reports:index")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_an_export_needs_the_reports_permission(db, client, password):
    make_user("staf@dinas.example", is_staff=True)
    client.login(email="staf@dinas.example", password=password)

    assert client.get(reverse("reports:export", args=["toko", "csv"])).status_code == 403


def test_a_moderator_opens_a_shop_and_its_status_pages(moderator_client, dataset):
    shop = dataset["shops"]["baru"]

    assert moderator_client.get(reverse("admin:vendors_shop_change", args=[shop.pk])).status_code == 200
    status_url = reverse("admin:vendors_shop_change_status", args=[shop.pk, "approved"])
    assert moderator_client.get(status_url).status_code == 200
    product = dataset["products"]["keripik"]
    assert moderator_client.get(reverse("admin:catalog_product_change", args=[product.pk])).status_code == 200
