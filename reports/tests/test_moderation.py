"""Product reports, take-downs, appeals and the moderation history, through the pages people use."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog import moderation, transitions
from catalog.models import ModerationEvent, ProductReport, TakedownAppeal
from conftest import make_user
from marketplace.models import Notification
from vendors import services as vendor_services


@pytest.fixture
def keripik(dataset):
    return dataset["products"]["keripik"]


def report_url(product):
    return reverse("catalog:report_product", args=[product.shop.slug, product.slug])


def test_a_buyer_reports_a_product_from_its_page(client, buyer, password, keripik):
    client.login(email=buyer.email, password=password)
    page = client.get(keripik.get_absolute_url())
    assert report_url(keripik) in page.content.decode()

    response = client.post(report_url(keripik), {"reason": "counterfeit", "text": "Merek palsu"})

    assert response.status_code == 302
    report = ProductReport.objects.get()
    assert (report.product, report.reporter, report.reason, report.status) == (
        keripik,
        buyer,
        "counterfeit",
        "open",
    )


def test_one_open_report_per_buyer_and_product(buyer, keripik):
    moderation.report_product(product=keripik, reporter=buyer, reason="misleading")

    with pytest.raises(ValidationError):
        moderation.report_product(product=keripik, reporter=buyer, reason="prohibited")
    assert ProductReport.objects.count() == 1


def test_guests_cannot_report(client, keripik):
    response = client.post(report_url(keripik), {"reason": "other", "text": "x"})

    assert response.status_code == 302 and "login" in response.url
    assert not ProductReport.objects.exists()


def test_other_needs_a_text_and_vendors_cannot_report_their_own_product(buyer, keripik):
    with pytest.raises(ValidationError):
        moderation.report_product(product=keripik, reporter=buyer, reason="other", text="  ")
    owner = keripik.shop.members.get().user
    with pytest.raises(ValidationError):
        moderation.report_product(product=keripik, reporter=owner, reason="counterfeit")


def test_reports_are_grouped_per_product_in_the_queue(moderator_client, keripik):
    for i in range(3):
        moderation.report_product(
            product=keripik, reporter=make_user(f"pembeli{i}@example.com"), reason="counterfeit"
        )

    rows = list(moderation.reported_products())
    page = moderator_client.get(reverse("admin:catalog_reportedproduct_changelist")).content.decode()

    assert [(p.pk, p.open_report_count) for p in rows] == [(keripik.pk, 3)]
    assert "Keripik Singkong" in page


def test_take_down_needs_a_reason_tells_the_vendor_and_closes_the_reports(moderator_client, buyer, keripik):
    moderation.report_product(product=keripik, reporter=buyer, reason="prohibited")
    url = reverse("admin:catalog_reportedproduct_change", args=[keripik.pk])

    refused = moderator_client.post(url, {"decision": "takedown", "takedown-reason": " "})
    assert refused.status_code == 200
    keripik.refresh_from_db()
    assert keripik.taken_down_at is None

    moderator_client.post(url, {"decision": "takedown", "takedown-reason": "Mengandung bahan terlarang"})

    keripik.refresh_from_db()
    assert keripik.takedown_reason == "Mengandung bahan terlarang"
    assert ProductReport.objects.get().status == "actioned"
    owner = keripik.shop.members.get().user
    assert Notification.objects.filter(user=owner, body="Mengandung bahan terlarang").exists()
    event = ModerationEvent.objects.get()
    assert (event.action, event.product, event.actor.email) == (
        "taken_down",
        keripik,
        "petugas@dinas.example",
    )
    assert moderator_client.get(keripik.get_absolute_url()).status_code == 404


def test_dismissing_keeps_the_product_and_is_recorded(moderator_client, buyer, keripik):
    moderation.report_product(product=keripik, reporter=buyer, reason="misleading")

    moderator_client.post(
        reverse("admin:catalog_reportedproduct_change", args=[keripik.pk]),
        {"decision": "dismiss", "dismiss-reason": "Deskripsi sesuai"},
    )

    keripik.refresh_from_db()
    assert keripik.taken_down_at is None
    assert ProductReport.objects.get().status == "dismissed"
    assert ModerationEvent.objects.get().action == "reports_dismissed"
    assert not moderation.reported_products().exists()


def test_a_vendor_sees_why_and_appeals_once(client, password, dinas_moderator, keripik):
    transitions.take_down(product=keripik, actor=dinas_moderator, reason="Foto menyesatkan")
    owner = keripik.shop.members.get().user
    client.login(email=owner.email, password=password)
    edit_url = reverse("catalog:dashboard_edit", args=[keripik.shop.slug, keripik.pk])
    appeal_url = reverse("catalog:appeal", args=[keripik.shop.slug, keripik.pk])

    page = client.get(edit_url).content.decode()
    assert "Foto menyesatkan" in page and appeal_url in page

    client.post(appeal_url, {"text": "Foto sudah kami ganti"})
    client.post(appeal_url, {"text": "Sekali lagi"})

    assert list(TakedownAppeal.objects.values_list("text", flat=True)) == ["Foto sudah kami ganti"]
    assert appeal_url not in client.get(edit_url).content.decode()


def test_another_shop_cannot_appeal(client, password, dinas_moderator, dataset):
    keripik = dataset["products"]["keripik"]
    transitions.take_down(product=keripik, actor=dinas_moderator, reason="x")
    client.login(email="owner1@example.com", password=password)  # owner of Batik Bayu

    response = client.post(reverse("catalog:appeal", args=[keripik.shop.slug, keripik.pk]), {"text": "y"})

    assert response.status_code == 404
    assert not TakedownAppeal.objects.exists()


def test_accepting_an_appeal_restores_the_product(moderator_client, dinas_moderator, keripik):
    transitions.take_down(product=keripik, actor=dinas_moderator, reason="x")
    appeal = moderation.appeal_takedown(product=keripik, author=None, text="Salah paham")

    home = moderator_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:catalog_takedownappeal_change", args=[appeal.pk]) in home

    moderator_client.post(
        reverse("admin:catalog_takedownappeal_change", args=[appeal.pk]), {"decision": "accept", "reason": ""}
    )

    keripik.refresh_from_db()
    appeal.refresh_from_db()
    assert keripik.taken_down_at is None and appeal.status == "accepted"


def test_rejecting_an_appeal_needs_a_reason(dinas_moderator, keripik):
    transitions.take_down(product=keripik, actor=dinas_moderator, reason="x")
    appeal = moderation.appeal_takedown(product=keripik, author=None, text="Salah paham")

    with pytest.raises(ValidationError):
        moderation.decide_appeal(appeal=appeal, actor=dinas_moderator, accept=False, reason="")
    moderation.decide_appeal(appeal=appeal, actor=dinas_moderator, accept=False, reason="Tetap melanggar")

    appeal.refresh_from_db()
    keripik.refresh_from_db()
    assert appeal.status == "rejected" and keripik.taken_down_at is not None


def test_the_history_reads_shop_and_product_decisions_filtered_by_staff(
    moderator_client, dinas_moderator, dataset
):
    other = make_user("lain@dinas.example", is_staff=True)
    vendor_services.approve(shop=dataset["shops"]["baru"], actor=dinas_moderator)
    transitions.take_down(product=dataset["products"]["kain"], actor=dinas_moderator, reason="Palsu")
    transitions.take_down(product=dataset["products"]["suvenir"], actor=other, reason="Dilarang")

    mine = moderator_client.get(reverse("reports:history"), {"actor": dinas_moderator.pk}).content.decode()
    everyone = moderator_client.get(reverse("reports:history")).content.decode()

    assert "Toko Baru" in mine and "Kain Batik" in mine and "Suvenir Gonggong" not in mine
    assert "Suvenir Gonggong" in everyone


def test_the_history_filters_by_date(moderator_client, dinas_moderator, keripik):
    transitions.take_down(product=keripik, actor=dinas_moderator, reason="x")
    ModerationEvent.objects.update(created_at="2026-01-05T10:00:00+07:00")

    january = moderator_client.get(reverse("reports:history"), {"since": "2026-01-01", "until": "2026-01-31"})
    february = moderator_client.get(
        reverse("reports:history"), {"since": "2026-02-01", "until": "2026-02-28"}
    )

    assert "Keripik Singkong" in january.content.decode()
    assert "Keripik Singkong" not in february.content.decode()


def test_a_take_down_from_the_product_admin_page_is_logged_too(moderator_client, buyer, keripik):
    moderation.report_product(product=keripik, reporter=buyer, reason="prohibited")

    moderator_client.post(
        reverse("admin:catalog_product_change", args=[keripik.pk]),
        {"take_down": "on", "takedown_reason": "Tidak sesuai aturan"},
    )

    keripik.refresh_from_db()
    assert keripik.takedown_reason == "Tidak sesuai aturan"
    assert ModerationEvent.objects.get().action == "taken_down"
    assert ProductReport.objects.get().status == "actioned"


def test_a_taken_down_product_leaves_the_page_cache_at_once(
    client, settings, dinas_moderator, keripik, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    url = keripik.get_absolute_url()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # now from the cache

    with django_capture_on_commit_callbacks(execute=True):
        transitions.take_down(product=keripik, actor=dinas_moderator, reason="Dilarang")

    assert client.get(url).status_code == 404
