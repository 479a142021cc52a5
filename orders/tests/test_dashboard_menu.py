"""A seller finds every section from every dashboard page, and a new shop is told what to do next."""

import re

import pytest

from catalog.models import ProductImage
from conftest import make_user
from orders.tests.factories import make_product
from shipping.models import ShopCourierService
from vendors.models import BankAccount, Shop, ShopMember
from vendors.services import start_shop

pytestmark = pytest.mark.django_db

SECTIONS = {
    "Ringkasan": "",
    "Profil toko": "pengaturan/",
    "Pengiriman": "pengiriman/",
    "Kurir": "kurir/",
    "Rekening bank": "rekening/",
    "Staf": "anggota/",
    "Pendaftaran expo": "expo/",
    "Produk": "produk/",
    "Tambah produk": "produk/baru/",
    "Stok dan harga": "produk/stok-harga/",
    "Impor CSV": "produk/impor/",
    "Pesanan per status": "pesanan/",
    "Komplain": "komplain/",
    "Saldo dan penarikan": "saldo/",
}
OWNER_ONLY = {"Rekening bank", "Staf"}


def menu_links(html):
    menu = re.search(r'<nav class="dashboard-menu".*?</nav>', html, re.S).group(0)
    return dict(re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', menu))


@pytest.fixture
def new_shop(shop_a_owner):
    shop = start_shop(owner=shop_a_owner, name="Warung Baru")
    Shop.objects.filter(pk=shop.pk).update(status=Shop.Status.APPROVED, cod_enabled=False)
    shop.refresh_from_db()
    return shop


@pytest.mark.parametrize("page", list(SECTIONS.values()))
def test_every_dashboard_page_has_the_whole_menu(vendor_client, new_shop, page):
    base = f"/dashboard/{new_shop.slug}/"

    response = vendor_client.get(base + page)

    assert response.status_code == 200
    links = menu_links(response.text)
    assert {label: url.removeprefix(base) for url, label in links.items()} == SECTIONS
    assert f'<a href="{base + page}" aria-current="page">' in response.text


def test_staff_see_the_sections_they_may_use(client, new_shop, password):
    staff = make_user("staf@example.com")
    ShopMember.objects.create(shop=new_shop, user=staff, role=ShopMember.Role.STAFF)
    client.login(email=staff.email, password=password)

    links = menu_links(client.get(f"/dashboard/{new_shop.slug}/").text)

    assert set(links.values()) == set(SECTIONS) - OWNER_ONLY


def checklist(html):
    return dict(re.findall(r'<li class="(done|todo)" id="step-(\w+)">', html)[i][::-1] for i in range(4))


def test_a_new_shop_sees_what_to_do_next(vendor_client, new_shop):
    html = vendor_client.get(f"/dashboard/{new_shop.slug}/").text

    assert "Siapkan toko Anda untuk berjualan" in html
    assert checklist(html) == {"product": "todo", "shipping": "todo", "bank": "todo", "share": "todo"}
    assert f'href="/dashboard/{new_shop.slug}/produk/baru/">Tambahkan produk pertama dengan foto' in html


def test_each_step_is_done_when_the_data_says_so(vendor_client, new_shop):
    url = f"/dashboard/{new_shop.slug}/"
    product = make_product(new_shop, name="Keripik Pedas")
    assert checklist(vendor_client.get(url).text)["product"] == "todo"  # no photo yet
    ProductImage.objects.create(product=product, original="products/originals/x", is_primary=True)
    ShopCourierService.objects.create(shop=new_shop, service="jne:REG")
    BankAccount.objects.create(shop=new_shop, bank="BRI", account_number="0123456789", holder_name="Ani")

    steps = checklist(vendor_client.get(url).text)
    assert steps == {"product": "done", "shipping": "done", "bank": "done", "share": "todo"}

    vendor_client.post(f"{url}bagikan/")
    assert "Siapkan toko Anda" not in vendor_client.get(url).text  # all done: the list goes away


def test_sharing_on_whatsapp_opens_whatsapp_with_the_shops_link(vendor_client, new_shop, settings):
    settings.SITE_URL = "http://127.0.0.1:8301"

    response = vendor_client.post(f"/dashboard/{new_shop.slug}/bagikan/")

    assert response.status_code == 302
    assert response["Location"].startswith("https://wa.me/?text=")
    assert "http%3A//127.0.0.1%3A8301/toko/warung-baru/" in response["Location"]
    new_shop.refresh_from_db()
    assert new_shop.shared_on_whatsapp_at is not None


def test_sharing_needs_a_post_and_a_member(vendor_client, client, new_shop, shop_b, password):
    assert vendor_client.get(f"/dashboard/{new_shop.slug}/bagikan/").status_code == 405
    assert vendor_client.post(f"/dashboard/{shop_b.slug}/bagikan/").status_code == 404
    shop_b.refresh_from_db()
    assert shop_b.shared_on_whatsapp_at is None


def test_dashboard_tables_stack_into_cards_on_a_phone(vendor_client, new_shop):
    make_product(new_shop, name="Keripik Pedas")

    for page in ("produk/", "produk/stok-harga/"):
        html = vendor_client.get(f"/dashboard/{new_shop.slug}/{page}").text
        assert '<table class="table stack">' in html
        assert 'data-label="Stok"' in html
