import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shipping.models import Tariff
from shipping.selectors import default_weight_grams, products_without_weight
from shipping.tests.factories import tariff


def test_a_route_and_service_is_priced_once_per_scope(purwakarta, batam, shop_a):
    origin, to = purwakarta.regency, batam.regency
    tariff(origin, to=to)
    with pytest.raises(IntegrityError), transaction.atomic():
        tariff(origin, to=to)
    tariff(origin, to=to.province)
    with pytest.raises(IntegrityError), transaction.atomic():
        tariff(origin, to=to.province)
    tariff(origin, to=to, shop=shop_a)  # a shop's own row next to the deployment's
    with pytest.raises(IntegrityError), transaction.atomic():
        tariff(origin, to=to, shop=shop_a)


def test_a_tariff_goes_to_a_regency_or_a_province_never_both(purwakarta, batam):
    row = Tariff(
        origin=purwakarta.regency,
        destination_regency=batam.regency,
        destination_province=batam.regency.province,
        courier="jne",
        service="REG",
        first_kg_fee=1,
        next_kg_fee=1,
        min_days=1,
        max_days=2,
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "destination_regency" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


def test_the_admin_form_checks_the_service_and_the_days(purwakarta, batam):
    row = Tariff(
        origin=purwakarta.regency,
        destination_regency=batam.regency,
        courier="jnt",
        service="YES",
        first_kg_fee=10000,
        next_kg_fee=5000,
        min_days=4,
        max_days=2,
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert set(error.value.message_dict) >= {"service", "max_days"}


def test_a_shop_sees_which_products_need_a_weight_and_its_default(shop_a):
    from catalog.tests.factories import make_product
    from shipping.models import ShopShippingProfile

    weightless = make_product(shop_a, name="Keripik Tempe")
    make_product(shop_a, name="Kopi Robusta", weight_grams=250)
    assert list(products_without_weight(shop_a)) == [weightless]
    assert default_weight_grams(shop_a) is None
    ShopShippingProfile.objects.create(shop=shop_a, default_weight_grams=300)
    assert default_weight_grams(shop_a) == 300
