"""Pages stay fresh by construction: every writer of what buyers see moves the page cache version.

Parametrised over every way the storefront's data is written: an anonymous visitor has the
page in the cache (a hit), or a logged-in buyer with a cart has its shared fragments (cards,
listing body, home blocks) in the cache; the write happens through the real page or service,
and the next visit shows the change. Lives in reports, the highest app, because the writers
span vendors, catalog, orders and the dinas admin.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from catalog import csv_import
from catalog.categories import seed_categories
from catalog.models import Category
from catalog.tests.factories import image_bytes, region
from conftest import make_user
from orders import transitions
from orders.tests.factories import BATAM, buy, cart_with, make_product, make_shop

OUT_OF_STOCK = 'class="tag out"'


# --- Reading a form from its page, as a browser would send it ---------------------------------


class FormReader(HTMLParser):
    """The fields of every POST form on a page, with the values a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.current = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self.current)
        if self.current is None or "name" not in a and tag != "option":
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.current["fields"].append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = {"name": a["name"], "options": [], "multiple": "multiple" in a}
        elif tag == "option" and self.select is not None:
            self.select["options"].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self.select is not None:
            chosen = [value for value, selected in self.select["options"] if selected]
            if not chosen and not self.select["multiple"] and self.select["options"]:
                chosen = [self.select["options"][0][0]]
            self.current["fields"].extend((self.select["name"], value) for value in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.current["fields"].append((self.textarea[0], self.textarea[1].lstrip("\n")))
            self.textarea = None


def form_on(client, url, containing):
    """The POST form on `url` that has a field named `containing`, as a dict of lists."""
    reader = FormReader()
    reader.feed(client.get(url).text)
    for form in reader.forms:
        names = [name for name, _value in form["fields"]]
        if containing in names:
            data = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return data
    raise AssertionError(f"no form with {containing!r} on {url}")


def post_form(client, url, containing, changes, drop=()):
    data = form_on(client, url, containing)
    for name in drop:
        data.pop(name, None)
    data.update(
        {
            name: value if isinstance(value, list | SimpleUploadedFile) else [value]
            for name, value in changes.items()
        }
    )
    return client.post(url, data)


# --- The world: one open shop with one product, its owner, a dinas admin, a buyer ---------------


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def world(db, password, buyer):
    if not Category.objects.exists():
        seed_categories(Category)
    owner = make_user("pemilik@example.com", first_name="Ani")
    shop = make_shop(owner, name="Dapur Bu Ani")
    product = make_product(shop, name="Keripik Original", price=15_000, stock=5)
    admin = make_user("admin@dinas.example", is_staff=True, is_superuser=True)
    clients = {}
    for name, user in (("owner", owner), ("admin", admin)):
        clients[name] = Client()
        assert clients[name].login(email=user.email, password=password)
    return {"shop": shop, "product": product, "buyer": buyer, **clients}


def shop_url(w):
    return w["shop"].get_absolute_url()


def product_url(w):
    return w["product"].get_absolute_url()


def in_indonesian(text):
    with translation.override("id"):
        return gettext(text)


# --- Every writer --------------------------------------------------------------------------


@dataclass
class Writer:
    url: Callable
    write: Callable
    seen: Callable  # (anonymous response, world) -> bool
    prepare: Callable = lambda w: None


def edit_product_form(w):
    url = reverse("catalog:dashboard_edit", args=[w["shop"].slug, w["product"].pk])
    assert post_form(w["owner"], url, "name", {"name": "Keripik Balado Baru"}).status_code == 302


def bulk_price(w):
    url = reverse("catalog:dashboard_bulk", args=[w["shop"].slug])
    pk = w["product"].variants.get().pk  # the bulk page has one row per variant
    assert post_form(w["owner"], url, f"price-{pk}", {f"price-{pk}": "17500"}).status_code == 302


def import_csv(w):
    upload = SimpleUploadedFile("produk.csv", csv_import.template_csv().encode(), content_type="text/csv")
    url = reverse("catalog:dashboard_import", args=[w["shop"].slug])
    assert w["owner"].post(url, {"file": upload}).status_code == 302


def upload_photo(w):
    url = reverse("catalog:dashboard_images", args=[w["shop"].slug, w["product"].pk])
    upload = SimpleUploadedFile("foto.jpg", image_bytes(), content_type="image/jpeg")
    assert w["owner"].post(url, {"photo": upload}).status_code == 302


def edit_profile(w):
    url = reverse("vendors:settings", args=[w["shop"].slug])
    changes = {"description": "Keripik rumahan sejak 1998."}
    assert post_form(w["owner"], url, "description", changes).status_code == 302


def move_address(w):
    district = region(*BATAM)
    province, regency, district = district.regency.province_id, district.regency_id, district.pk
    url = reverse("vendors:onboarding_address", args=[w["shop"].slug])
    data = {
        "street_address": "Jl. Engku Putri No. 1",
        "province": province,
        "regency": regency,
        "district": district,
        "postal_code": "29461",
    }
    assert w["owner"].post(url, data).status_code == 302


def stop_cod(w):
    url = reverse("vendors:shipping", args=[w["shop"].slug])
    assert post_form(w["owner"], url, "cod_enabled", {}, drop=["cod_enabled"]).status_code == 302


def suspend_shop(w):
    url = reverse("admin:vendors_shop_change_status", args=[w["shop"].pk, "suspended"])
    assert w["admin"].post(url, {"reason": "Laporan penipuan"}).status_code == 302


def archive_product(w):
    url = reverse("catalog:dashboard_archive", args=[w["shop"].slug, w["product"].pk])
    assert w["owner"].post(url).status_code == 302


def take_down_in_admin(w):
    url = reverse("admin:catalog_product_change", args=[w["product"].pk])
    changes = {"take_down": "on", "takedown_reason": "Klaim halal palsu"}
    assert post_form(w["admin"], url, "takedown_reason", changes).status_code == 302


def rename_shop_in_admin(w):
    url = reverse("admin:vendors_shop_change", args=[w["shop"].pk])
    assert post_form(w["admin"], url, "name", {"name": "Dapur Ani Purwakarta"}).status_code == 302


def rename_category_in_admin(w):
    url = reverse("admin:catalog_category_change", args=[w["product"].category_id])
    assert post_form(w["admin"], url, "name", {"name": "Camilan Khas Daerah"}).status_code == 302


def open_expo_in_admin(w):
    today = timezone.localdate()
    changes = {
        "name": "Expo UMKM Purwakarta 2026",
        "slug": "expo-umkm-purwakarta-2026",
        "starts_on": str(today - datetime.timedelta(days=1)),
        "ends_on": str(today + datetime.timedelta(days=6)),
        "entries-TOTAL_FORMS": "1",
        "entries-0-shop": str(w["shop"].pk),
        "entries-0-status": "accepted",
    }
    response = post_form(w["admin"], reverse("admin:catalog_expo_add"), "name", changes)
    assert response.status_code == 302


def buy_the_last_units(w):
    buy(w["buyer"], (w["product"], 5))


def sell_out(w):
    w["order"] = buy(w["buyer"], (w["product"], 5)).orders.get()


def cancel_the_order(w):
    transitions.cancel(order=w["order"], actor=w["buyer"])


WRITERS = {
    "product form": Writer(shop_url, edit_product_form, lambda r, w: "Keripik Balado Baru" in r.text),
    "bulk page": Writer(product_url, bulk_price, lambda r, w: "Rp17.500" in r.text),
    "csv import": Writer(shop_url, import_csv, lambda r, w: csv_import.EXAMPLE_ROWS[0][0] in r.text),
    "photo upload": Writer(shop_url, upload_photo, lambda r, w: "products/r/" in r.text),
    "shop profile": Writer(shop_url, edit_profile, lambda r, w: "Keripik rumahan sejak 1998." in r.text),
    "shop address": Writer(shop_url, move_address, lambda r, w: "Batam Kota" in r.text),
    "shipping": Writer(shop_url, stop_cod, lambda r, w: in_indonesian("Cash on delivery") not in r.text),
    "shop status move": Writer(shop_url, suspend_shop, lambda r, w: r.status_code == 404),
    "product status move": Writer(shop_url, archive_product, lambda r, w: "Keripik Original" not in r.text),
    "admin product take-down": Writer(
        shop_url, take_down_in_admin, lambda r, w: "Keripik Original" not in r.text
    ),
    "admin shop save": Writer(shop_url, rename_shop_in_admin, lambda r, w: "Dapur Ani Purwakarta" in r.text),
    "admin category save": Writer(
        product_url, rename_category_in_admin, lambda r, w: "Camilan Khas Daerah" in r.text
    ),
    "expo in admin": Writer(lambda w: "/", open_expo_in_admin, lambda r, w: "Expo UMKM Purwakarta" in r.text),
    "checkout sells out": Writer(shop_url, buy_the_last_units, lambda r, w: OUT_OF_STOCK in r.text),
    "cancellation restocks": Writer(
        shop_url, cancel_the_order, lambda r, w: OUT_OF_STOCK not in r.text, prepare=sell_out
    ),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_an_anonymous_visitor_sees_every_write_at_once(writer, world, django_capture_on_commit_callbacks):
    case = WRITERS[writer]
    with django_capture_on_commit_callbacks(execute=True):
        case.prepare(world)
    url = case.url(world)
    Client().get(url)
    cached = Client().get(url)
    assert cached["X-Page-Cache"] == "hit"
    assert not case.seen(cached, world), "the change is already on the page before the write"

    with django_capture_on_commit_callbacks(execute=True):
        case.write(world)

    fresh = Client().get(url)
    assert "X-Page-Cache" not in fresh
    assert case.seen(fresh, world)


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_logged_in_buyer_with_a_cart_sees_every_write_at_once(
    writer, world, settings, password, django_capture_on_commit_callbacks
):
    settings.FRAGMENT_CACHE_SECONDS = 60
    case = WRITERS[writer]
    with django_capture_on_commit_callbacks(execute=True):
        case.prepare(world)
    # Another buyer than the one whose checkouts are writers, with a product of another shop.
    other_shop = make_shop(make_user("toko-lain@example.com"), name="Toko Lain")
    reader = make_user("pembeli-lain@example.com")
    cart_with(reader, (make_product(other_shop, name="Kopi Robusta"), 1))
    buyer = Client()
    assert buyer.login(email=reader.email, password=password)
    url = case.url(world)
    buyer.get(url)
    before = buyer.get(url)
    assert 'id="cart-count"' in before.text or before.status_code != 200
    assert not case.seen(before, world), "the change is already on the page before the write"

    with django_capture_on_commit_callbacks(execute=True):
        case.write(world)

    assert case.seen(buyer.get(url), world)


def test_every_admin_page_for_storefront_data_moves_the_version_itself():
    from django.contrib import admin

    from catalog.models import Expo, Product
    from marketplace.admin import StorefrontModelAdmin
    from vendors.models import Community, Shop, ShopCategory

    for model in (Shop, ShopCategory, Community, Category, Product, Expo):
        assert isinstance(admin.site.get_model_admin(model), StorefrontModelAdmin), model
