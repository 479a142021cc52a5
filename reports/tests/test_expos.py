"""Virtual expos: public only during their dates, applications from the dashboard, figures after."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Expo, ExpoShop
from reports import selectors
from reports.selectors import ReportFilters
from reports.tests import factories as f


@pytest.fixture
def today():
    return timezone.localdate()


def expo(start, end, slug="expo-ikm"):
    return Expo.objects.create(name="Expo IKM Purwakarta", slug=slug, starts_on=start, ends_on=end)


def test_an_expo_is_public_only_during_its_dates(client, db, today):
    upcoming = expo(today + timedelta(days=1), today + timedelta(days=7), slug="nanti")
    over = expo(today - timedelta(days=7), today - timedelta(days=1), slug="lewat")
    running = expo(today, today + timedelta(days=3), slug="sekarang")

    assert client.get(upcoming.get_absolute_url()).status_code == 404
    assert client.get(over.get_absolute_url()).status_code == 404
    assert client.get(running.get_absolute_url()).status_code == 200


def test_the_expo_page_shows_accepted_shops_and_their_products_and_counts_visits(client, dataset, today):
    running = expo(today, today + timedelta(days=3))
    ExpoShop.objects.create(expo=running, shop=dataset["shops"]["ani"], status="accepted")
    ExpoShop.objects.create(expo=running, shop=dataset["shops"]["bayu"], status="applied")

    page = client.get(running.get_absolute_url()).content.decode()
    client.get(running.get_absolute_url())

    assert "Dapur Ani" in page and "Keripik Singkong" in page
    assert "Batik Bayu" not in page
    running.refresh_from_db()
    assert running.visit_count == 2


def test_the_home_page_features_a_running_expo_only(client, db, today):
    expo(today - timedelta(days=9), today - timedelta(days=2), slug="lewat")
    assert "Expo IKM Purwakarta" not in client.get("/").content.decode()

    running = expo(today, today + timedelta(days=3), slug="sekarang")
    assert running.get_absolute_url() in client.get("/").content.decode()


def test_a_shop_applies_from_its_dashboard_once(client, password, dataset, today):
    upcoming = expo(today + timedelta(days=5), today + timedelta(days=9))
    shop = dataset["shops"]["ani"]
    client.login(email="owner0@example.com", password=password)
    url = reverse("catalog:dashboard_expos", args=[shop.slug])

    assert "Expo IKM Purwakarta" in client.get(url).content.decode()
    client.post(url, {"expo": upcoming.pk, "note": "Kami siap"})
    client.post(url, {"expo": upcoming.pk, "note": "Lagi"})

    entry = ExpoShop.objects.get()
    assert (entry.shop, entry.status, entry.note) == (shop, "applied", "Kami siap")


def test_staff_accept_applications_in_the_admin(moderator_client, dataset, today):
    upcoming = expo(today + timedelta(days=5), today + timedelta(days=9))
    ExpoShop.objects.create(expo=upcoming, shop=dataset["shops"]["ani"], status="applied")

    page = moderator_client.get(reverse("admin:catalog_expo_changelist")).content.decode()

    assert "Expo IKM Purwakarta" in page


def test_expo_figures_count_sales_of_taking_part_shops_during_the_dates(dataset):
    march_expo = expo(date(2026, 3, 1), date(2026, 3, 10))
    for name in ("ani", "bayu"):
        ExpoShop.objects.create(expo=march_expo, shop=dataset["shops"][name], status="accepted")
    ExpoShop.objects.create(expo=march_expo, shop=dataset["shops"]["citra"], status="rejected")
    Expo.objects.filter(pk=march_expo.pk).update(visit_count=120)

    rows = selectors.expo_figures(ReportFilters(start=date(2026, 1, 1), end=date(2026, 3, 31)))

    # In 1–10 March: Dapur Ani's order was cancelled, Batik Bayu's COD order completed (200.000);
    # Gonggong Citra sold on 25 March but did not take part.
    assert rows == [
        {
            "name": "Expo IKM Purwakarta",
            "starts_on": date(2026, 3, 1),
            "ends_on": date(2026, 3, 10),
            "visits": 120,
            "shops": 2,
            "orders": 1,
            "sales": 200_000,
        }
    ]


def test_expos_outside_the_period_are_left_out(dataset):
    expo(date(2025, 6, 1), date(2025, 6, 5))

    assert selectors.expo_figures(ReportFilters(start=date(2026, 1, 1), end=date(2026, 3, 31))) == []


def test_an_order_on_the_last_day_counts(dataset, buyer):
    expo_ = expo(date(2026, 4, 1), date(2026, 4, 2))
    ExpoShop.objects.create(expo=expo_, shop=dataset["shops"]["ani"], status="accepted")
    f.order(buyer, product=dataset["products"]["keripik"], when=f.at(2026, 4, 2, hour=23))

    rows = selectors.expo_figures(ReportFilters(start=date(2026, 4, 1), end=date(2026, 4, 30)))

    assert (rows[0]["orders"], rows[0]["sales"]) == (1, 15_000)


def test_staff_accept_every_application_with_one_action(moderator_client, dataset, today):
    upcoming = expo(today + timedelta(days=5), today + timedelta(days=9))
    ExpoShop.objects.create(expo=upcoming, shop=dataset["shops"]["ani"], status="applied")
    ExpoShop.objects.create(expo=upcoming, shop=dataset["shops"]["bayu"], status="rejected")

    moderator_client.post(
        reverse("admin:catalog_expo_changelist"),
        {"action": "accept_applications", "_selected_action": [upcoming.pk]},
    )

    assert dict(ExpoShop.objects.values_list("shop__name", "status")) == {
        "Dapur Ani": "accepted",
        "Batik Bayu": "rejected",
    }


def test_staff_create_an_expo_with_its_shops(moderator_client, dataset, today):
    response = moderator_client.post(
        reverse("admin:catalog_expo_add"),
        {
            "name": "Expo Kuliner",
            "slug": "expo-kuliner",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=3)).isoformat(),
            "description": "Kuliner khas",
            "open_for_applications": "on",
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "0",
            "entries-0-shop": dataset["shops"]["ani"].pk,
            "entries-0-status": "accepted",
        },
    )

    assert response.status_code == 302
    assert list(Expo.objects.get(slug="expo-kuliner").entries.values_list("shop__name", flat=True)) == [
        "Dapur Ani"
    ]


def test_anonymous_visits_are_counted_even_with_the_page_cache_on(client, db, today, settings):
    settings.PAGE_CACHE_SECONDS = 60
    running = expo(today, today + timedelta(days=3))

    for _ in range(3):
        assert client.get(running.get_absolute_url()).status_code == 200

    running.refresh_from_db()
    assert running.visit_count == 3
