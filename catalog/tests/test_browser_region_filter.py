"""The listing filter in a real browser: a new province clears the old province's regency, and a
search's filter form sends the search words with it."""

import pytest

from catalog.tests.factories import make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_changing_the_province_resets_the_regency(live_server, page, shop_a, shop_b, screenshot):
    make_product(shop_a, name="Keripik Purwakarta")
    make_product(shop_b, name="Batik Batam")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/cari/?province=32&regency=32.14")
    page.get_by_text("Keripik Purwakarta").wait_for()
    page.locator("select[name=province]").select_option("21")

    assert page.locator("select[name=regency]").input_value() == ""
    assert not page.locator("select[name=regency]").is_visible()
    page.get_by_role("button", name="Terapkan").click()
    page.get_by_text("Batik Batam").wait_for()
    assert page.get_by_text("Keripik Purwakarta").count() == 0
    assert "regency" not in page.url  # the cleared list is not sent at all
    assert page.locator("select[name=regency] option[value='21.71']").count() == 1
    screenshot("region-filter-reset")


def test_a_searchs_filter_form_keeps_the_search_words(live_server, page, shop_a, shop_b):
    make_product(shop_a, name="Keripik Purwakarta", price=15000)
    make_product(shop_a, name="Keripik Purwakarta Istimewa", price=90000)
    make_product(shop_b, name="Dodol Garut", price=15000)  # cheap, but not what was searched
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{live_server.url}/cari/?q=purwakarta")
    page.get_by_text("Saring dan urutkan").click()
    page.get_by_label("Harga tertinggi").fill("20000")
    page.get_by_role("button", name="Terapkan").click()

    page.wait_for_url(lambda url: "max_price=20000" in url)
    assert "q=purwakarta" in page.url
    cards = page.locator(".card")
    assert cards.count() == 1  # without the words, Dodol Garut would be there too
    assert "Keripik Purwakarta" in cards.first.inner_text()
    assert "Istimewa" not in cards.first.inner_text()
