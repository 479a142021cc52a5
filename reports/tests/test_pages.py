"""The admin start page and the reports page: what they show, and a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import moderation
from catalog.models import ProductReport
from conftest import make_user
from reports.tests import factories as f
from vendors.models import Shop


def test_the_start_page_lists_waiting_shops_oldest_first_with_waiting_time(moderator_client, dataset):
    now = timezone.now()
    owner = make_user("lama@example.com")
    old = f.shop(owner, "Toko Lama", status=Shop.Status.PENDING)
    Shop.objects.filter(pk=old.pk).update(submitted_at=now - timedelta(days=3, hours=2))
    Shop.objects.filter(pk=dataset["shops"]["baru"].pk).update(submitted_at=now - timedelta(hours=1))

    page = moderator_client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="id").content.decode()

    assert page.index("Toko Lama") < page.index("Toko Baru")
    assert "menunggu 3 hari" in page
    assert "2 toko menunggu verifikasi" in page
    assert f"{reverse('admin:vendors_shop_changelist')}?status__exact=pending" in page


def test_the_start_page_links_reported_products(moderator_client, buyer, dataset):
    keripik = dataset["products"]["keripik"]
    moderation.report_product(product=keripik, reporter=buyer, reason="counterfeit")

    page = moderator_client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:catalog_reportedproduct_change", args=[keripik.pk]) in page
    assert reverse("reports:index") in page


def test_queues_are_hidden_from_staff_without_the_permissions(client, password, dataset):
    make_user("superuser@dinas.example", is_staff=True, is_superuser=True)
    make_user("staf@dinas.example", is_staff=True)
    client.login(email="staf@dinas.example", password=password)

    page = client.get(reverse("admin:index")).content.decode()

    assert "Toko Baru" not in page


@pytest.fixture
def thousands(dataset, buyer):
    """Thousands of rows: shops waiting, reports, orders."""
    owner = make_user("banyak@example.com")
    for i in range(60):
        f.shop(owner, f"Toko Antri {i}", status=Shop.Status.PENDING)
    products = list(dataset["products"].values())
    reporters = [make_user(f"pelapor{i}@example.com") for i in range(30)]
    ProductReport.objects.bulk_create(
        ProductReport(product=products[i % 3], reporter=r, reason="other", text="x")
        for i, r in enumerate(reporters)
    )
    f.many_orders(buyer, products, 3000, since=f.at(2026, 1, 1))
    return dataset


def test_the_start_page_runs_a_bounded_number_of_queries(
    moderator_client, thousands, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = moderator_client.get(reverse("admin:index"))

    assert response.status_code == 200


def test_the_reports_page_runs_a_bounded_number_of_queries(
    moderator_client, thousands, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        response = moderator_client.get(reverse("reports:index"), {"start": "2026-01", "end": "2026-12"})

    assert response.status_code == 200
    assert response.context["report"].summary["orders"] == 3007


def test_the_reports_page_shows_charts_and_tables(moderator_client, dataset):
    response = moderator_client.get(reverse("reports:index"), {"start": "2026-01", "end": "2026-03"})
    page = response.content.decode()

    assert page.count('<figure class="dinas-chart">') == 5
    assert 'role="img"' in page
    assert "Rp345.000" in page
    assert 'id="kabupaten-kota"' in page and "Kota Batam" in page
    assert "<caption>" in page


def test_the_reports_page_filters_by_region_and_community(moderator_client, dataset):
    maju = dataset["communities"]["maju"]

    by_regency = moderator_client.get(
        reverse("reports:index"), {"start": "2026-01", "end": "2026-03", "regency": "21.71"}
    )
    by_community = moderator_client.get(
        reverse("reports:index"), {"start": "2026-01", "end": "2026-03", "community": maju.pk}
    )

    assert by_regency.context["report"].summary["sales"] == 100_000
    assert by_community.context["report"].summary["sales"] == 245_000
    assert by_community.context["filters"].start == date(2026, 1, 1)


def test_names_typed_by_vendors_are_escaped_on_the_reports_page(moderator_client, dataset):
    Shop.objects.filter(pk=dataset["shops"]["citra"].pk).update(name="<script>alert(1)</script>")

    page = moderator_client.get(
        reverse("reports:index"), {"start": "2026-01", "end": "2026-03"}
    ).content.decode()

    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_the_reports_page_follows_the_language_switch(moderator_client, dataset):
    moderator_client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})

    page = moderator_client.get(reverse("reports:index")).content.decode()

    assert "Shops (the full list)" in page and "Sales by category" in page
    assert "Toko (daftar lengkap)" not in page
