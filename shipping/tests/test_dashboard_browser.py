"""A seller sets up couriers and own delivery on a 360 px phone, in Chromium."""

import pytest
from django.test import Client

from shipping.models import OwnDeliveryArea, ShopCourierService

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "django_language", "value": "en", "url": live_server.url},
        ]
    )


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_seller_sets_up_couriers_and_own_delivery_on_a_phone(
    live_server, page, screenshot, shop_a, purwakarta
):
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, shop_a.members.get().user)

    page.goto(f"{live_server.url}/dashboard/{shop_a.slug}/pengiriman/")
    page.get_by_role("link", name="Courier services, own delivery areas and tariffs").click()
    page.get_by_label("JNE Regular (REG)").check()
    page.get_by_label("J&T Express EZ").check()
    assert fits_the_screen(page)
    screenshot("courier-settings-phone")
    page.get_by_role("button", name="Save the courier services").click()
    page.get_by_text("The courier services are saved.").wait_for()
    assert set(ShopCourierService.objects.values_list("service", flat=True)) == {"jne:REG", "jnt:EZ"}

    page.get_by_role("link", name="Own delivery").click()
    page.get_by_label("Regency, city or district").fill("32.14.01")
    page.get_by_label("Delivery fee (Rp)").fill("0")
    page.get_by_role("button", name="Save the area").click()
    page.get_by_text("The fee is at least Rp1").wait_for()
    assert page.get_by_label("Regency, city or district").input_value() == "32.14.01"
    assert fits_the_screen(page)
    page.get_by_label("Delivery fee (Rp)").fill("8000")
    page.get_by_role("button", name="Save the area").click()
    page.get_by_text("The delivery area is saved.").wait_for()
    assert page.get_by_text("Rp8.000").is_visible()
    assert fits_the_screen(page)
    screenshot("own-delivery-phone")
    assert OwnDeliveryArea.objects.get().fee == 8000
