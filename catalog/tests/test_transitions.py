"""A product's status moves (catalog.transitions): one table, one function per move."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog import moderation, transitions
from catalog.models import ModerationEvent, Product, ProductStatusEvent
from catalog.tests.factories import make_product
from marketplace.models import Notification

S = Product.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def product(shop_a):
    return make_product(shop_a, name="Jamu Kuat")


def status_of(product):
    return Product.objects.values_list("status", flat=True).get(pk=product.pk)


def test_a_move_records_who_when_from_to_and_why(product, moderator):
    transitions.take_down(product=product, actor=moderator, reason="Klaim tanpa izin BPOM.")

    event = ProductStatusEvent.objects.get()
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        S.ACTIVE,
        S.TAKEN_DOWN,
        moderator,
        "Klaim tanpa izin BPOM.",
    )
    assert event.created_at is not None
    assert product.status == S.TAKEN_DOWN and product.taken_down_at is not None


@pytest.mark.parametrize(
    ("source", "to", "who"),
    [
        (S.ACTIVE, S.TAKEN_DOWN, "shop_a_owner"),  # vendors never take down
        (S.DRAFT, S.ACTIVE, "moderator"),  # dinas staff do not publish a vendor's draft
        (S.ARCHIVED, S.ACTIVE, "shop_b_owner"),  # another shop is nobody here
        (S.ACTIVE, S.ARCHIVED, "buyer"),
    ],
)
def test_moves_the_table_does_not_allow_this_person_are_refused(product, request, source, to, who):
    Product.objects.filter(pk=product.pk).update(status=source)
    product.refresh_from_db()

    with pytest.raises(transitions.IllegalMove):
        transitions.change_status(product=product, to=to, actor=request.getfixturevalue(who), reason="x")

    assert status_of(product) == source
    assert not ProductStatusEvent.objects.exists()


def test_a_vendor_cannot_put_a_taken_down_product_back(product, moderator, shop_a_owner):
    transitions.take_down(product=product, actor=moderator, reason="Palsu")

    for to in (S.ACTIVE, S.DRAFT):
        with pytest.raises(transitions.IllegalMove):
            transitions.change_status(product=product, to=to, actor=shop_a_owner)

    assert status_of(product) == S.TAKEN_DOWN


def test_a_take_down_needs_a_reason(product, moderator):
    with pytest.raises(transitions.IllegalMove):
        transitions.take_down(product=product, actor=moderator, reason="  ")

    assert status_of(product) == S.ACTIVE


def test_restoring_gives_back_the_status_before_the_take_down(product, moderator, shop_a_owner):
    transitions.archive(product=product, actor=shop_a_owner)
    transitions.take_down(product=product, actor=moderator, reason="Palsu")

    transitions.restore(product=product, actor=moderator)

    assert status_of(product) == S.ARCHIVED
    assert Product.objects.get(pk=product.pk).taken_down_at is None


def test_asking_for_the_current_status_changes_nothing(product, moderator, shop_a_owner):
    transitions.take_down(product=product, actor=moderator, reason="Palsu")
    taken_down_at = Product.objects.get(pk=product.pk).taken_down_at

    transitions.take_down(product=product, actor=moderator, reason="Palsu lagi")

    assert ProductStatusEvent.objects.count() == 1
    assert ModerationEvent.objects.count() == 1
    assert Notification.objects.filter(user=shop_a_owner).count() == 1
    assert Product.objects.get(pk=product.pk).taken_down_at == taken_down_at


ADMIN_INLINES = {f"{p}-{k}": "0" for p in ("variants", "images") for k in ("TOTAL_FORMS", "INITIAL_FORMS")}


def test_resaving_a_taken_down_product_in_the_admin_changes_nothing(admin_client, product, shop_a_owner):
    url = reverse("admin:catalog_product_change", args=[product.pk])
    form = {"take_down": "on", "takedown_reason": "Produk palsu.", **ADMIN_INLINES}
    admin_client.post(url, form)
    taken_down_at = Product.objects.get(pk=product.pk).taken_down_at
    moderation.appeal_takedown(product=Product.objects.get(pk=product.pk), author=shop_a_owner, text="Asli")

    response = admin_client.post(url, form)

    assert response.status_code == 302
    assert Product.objects.get(pk=product.pk).taken_down_at == taken_down_at
    assert ProductStatusEvent.objects.count() == 1
    assert ModerationEvent.objects.filter(action=ModerationEvent.Action.TAKEN_DOWN).count() == 1
    assert Notification.objects.filter(user=shop_a_owner).count() == 1
    assert not moderation.can_appeal(Product.objects.get(pk=product.pk))  # no second appeal


def test_unticking_in_the_admin_restores_once(admin_client, product):
    url = reverse("admin:catalog_product_change", args=[product.pk])
    admin_client.post(url, {"take_down": "on", "takedown_reason": "Produk palsu.", **ADMIN_INLINES})

    admin_client.post(url, {"takedown_reason": "", **ADMIN_INLINES})
    admin_client.post(url, {"takedown_reason": "", **ADMIN_INLINES})

    assert status_of(product) == S.ACTIVE
    assert list(ProductStatusEvent.objects.order_by("id").values_list("to_status", flat=True)) == [
        S.TAKEN_DOWN,
        S.ACTIVE,
    ]


def test_with_review_required_a_vendor_publishing_waits_for_dinas_staff(
    product, settings, shop_a_owner, moderator
):
    settings.REQUIRE_PRODUCT_REVIEW = True
    transitions.change_status(product=product, to=S.DRAFT, actor=shop_a_owner)

    transitions.change_status(product=product, to=S.ACTIVE, actor=shop_a_owner)
    assert status_of(product) == S.IN_REVIEW

    transitions.approve_review(product=product, actor=moderator)
    assert status_of(product) == S.ACTIVE
    assert Product.objects.get(pk=product.pk).reviewed_at is not None


def test_the_table_decides_the_vendors_choices_and_buttons(vendor_client, product, shop_a, moderator):
    archived = make_product(shop_a, name="Keripik Lama")
    transitions.archive(product=archived, actor=None)
    transitions.take_down(product=product, actor=moderator, reason="Palsu")
    active = make_product(shop_a, name="Keripik Baru")

    page = vendor_client.get(reverse("catalog:dashboard_products", args=[shop_a.slug])).text
    form = vendor_client.get(reverse("catalog:dashboard_edit", args=[shop_a.slug, product.pk])).text

    archive_url = "/dashboard/{}/produk/{}/arsip/"
    assert archive_url.format(shop_a.slug, active.pk) in page
    assert archive_url.format(shop_a.slug, archived.pk) not in page
    assert archive_url.format(shop_a.slug, product.pk) not in page
    assert 'value="taken_down"' in form and 'value="active"' not in form


def test_a_vendor_posting_a_status_the_table_refuses_changes_nothing(
    vendor_client, product, shop_a, moderator
):
    transitions.take_down(product=product, actor=moderator, reason="Palsu")
    url = reverse("catalog:dashboard_edit", args=[shop_a.slug, product.pk])

    response = vendor_client.post(
        url,
        {
            "name": "Jamu Kuat",
            "category": product.category_id,
            "price": "15000",
            "stock": "10",
            "weight_grams": "0",
            "min_order_quantity": "1",
            "condition": "new",
            "status": "active",
            "variants-TOTAL_FORMS": "0",
            "variants-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 400
    assert status_of(product) == S.TAKEN_DOWN


def test_the_database_refuses_a_take_down_without_its_date(product):
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(status=S.TAKEN_DOWN)
