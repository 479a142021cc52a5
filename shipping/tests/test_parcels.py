import pytest

from catalog.tests.factories import make_product
from shipping.parcels import ParcelError, ParcelLine, build_parcel, line_for, round_up_kg, volumetric_grams


def test_volumetric_weight_is_length_times_width_times_height_over_6000_kg():
    assert volumetric_grams(30 * 20 * 10) == 1000
    assert volumetric_grams(40 * 40 * 30) == 8000
    assert volumetric_grams(1) == 1  # rounded up, never down to nothing


@pytest.mark.parametrize(
    ("grams", "kg"),
    [(1, 1), (999, 1), (1000, 1), (1300, 1), (1301, 2), (2000, 2), (2300, 2), (2301, 3), (2500, 3)],
)
def test_a_courier_rounds_up_to_the_next_kg_only_past_the_tolerance(grams, kg):
    assert round_up_kg(grams, tolerance_grams=300) == kg


def test_without_tolerance_any_gram_over_a_kilogram_costs_a_kilogram():
    assert round_up_kg(1001, tolerance_grams=0) == 2


def test_the_tolerance_comes_from_the_settings(settings):
    parcel = build_parcel([ParcelLine(weight_grams=1400)])
    settings.SHIPPING_WEIGHT_TOLERANCE_GRAMS = 300
    assert parcel.chargeable_kg() == 2
    settings.SHIPPING_WEIGHT_TOLERANCE_GRAMS = 500
    assert parcel.chargeable_kg() == 1


def test_a_parcel_adds_up_every_line_times_its_quantity():
    parcel = build_parcel(
        [
            ParcelLine(weight_grams=250, quantity=3, unit_value=15000),
            ParcelLine(weight_grams=400, unit_value=20000),
        ]
    )
    assert parcel.actual_grams == 1150
    assert parcel.value == 65000
    assert parcel.chargeable_kg(300) == 1


def test_a_light_bulky_parcel_is_charged_by_its_volume():
    pillow = ParcelLine(weight_grams=500, length_cm=40, width_cm=40, height_cm=30, name="Bantal Kapuk")
    parcel = build_parcel([pillow])
    assert (parcel.actual_grams, parcel.volumetric_grams, parcel.weight_grams) == (500, 8000, 8000)
    assert parcel.chargeable_kg(300) == 8


def test_a_heavy_small_parcel_is_charged_by_its_actual_weight():
    coffee = ParcelLine(weight_grams=2000, quantity=2, length_cm=10, width_cm=10, height_cm=20)
    parcel = build_parcel([coffee])
    assert parcel.weight_grams == 4000 > parcel.volumetric_grams


def test_lines_without_dimensions_add_no_volume():
    parcel = build_parcel([ParcelLine(weight_grams=300, length_cm=10, width_cm=None, height_cm=5)])
    assert parcel.volumetric_grams == 0


def test_a_product_without_weight_cannot_go_by_courier():
    with pytest.raises(ParcelError) as error:
        build_parcel([ParcelLine(weight_grams=0, name="Keripik Tempe")])
    assert "Keripik Tempe" in str(error.value.message)
    assert "weight" in str(error.value.message)


def test_the_shop_default_weight_stands_in_for_a_missing_one():
    parcel = build_parcel([ParcelLine(weight_grams=None, quantity=2)], default_weight_grams=300)
    assert parcel.actual_grams == 600


def test_an_absurd_weight_is_refused_with_a_clear_message():
    with pytest.raises(ParcelError) as error:
        build_parcel([ParcelLine(weight_grams=1_000_000, name="Lemari Jati")])
    assert "Lemari Jati" in str(error.value.message)
    assert "too heavy" in str(error.value.message)


def test_a_parcel_over_the_courier_limit_is_refused(settings):
    settings.SHIPPING_MAX_PARCEL_GRAMS = 50_000
    with pytest.raises(ParcelError) as error:
        build_parcel([ParcelLine(weight_grams=20_000, quantity=3, name="Beras 20 kg")])
    assert "60 kg" in str(error.value.message)
    assert "50 kg" in str(error.value.message)


def test_a_bulky_parcel_over_the_limit_by_volume_is_refused_too():
    with pytest.raises(ParcelError):
        build_parcel([ParcelLine(weight_grams=1000, length_cm=200, width_cm=100, height_cm=100)])


def test_an_empty_parcel_or_a_zero_quantity_is_refused():
    with pytest.raises(ParcelError):
        build_parcel([])
    with pytest.raises(ParcelError):
        build_parcel([ParcelLine(weight_grams=100, quantity=0)])


def test_a_catalogue_line_takes_the_variants_weight_over_the_products(db, shop_a):
    product = make_product(shop_a, weight_grams=250)
    product.length_cm, product.width_cm, product.height_cm = 20, 15, 5
    product.save()
    big = product.variants.create(name="1 kg", price=50000, stock=3, weight_grams=1000)
    same = product.variants.create(name="250 g", price=15000, stock=3)
    assert line_for(product=product, variant=big, quantity=2).weight_grams == 1000
    assert line_for(product=product, variant=same).weight_grams == 250
    line = line_for(product=product, quantity=2)
    assert (line.weight_grams, line.volume_cm3, line.unit_value) == (250, 1500, 15000)


def test_a_catalogue_line_without_weight_asks_for_the_default(db, shop_a):
    product = make_product(shop_a)  # weight 0, the old default
    assert line_for(product=product).weight_grams is None


def test_the_messages_speak_indonesian_first():
    from django.utils import translation

    with translation.override("id"), pytest.raises(ParcelError) as error:
        build_parcel([ParcelLine(weight_grams=0, name="Keripik Tempe")])
    assert str(error.value.message).startswith("“Keripik Tempe” belum punya berat")
