"""The shop's money pages: who may see them, the figures, the payout form, the monthly statement."""

import csv
import io
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from orders.models import PaymentMethod
from payments import selectors, services
from payments.models import LedgerTransaction, Payout
from payments.tests.factories import complete, funded, make_checkout, verified_account
from vendors.models import ShopMember


@pytest.fixture(autouse=True)
def rates(settings):
    settings.COMMISSION_RATE_BASIS_POINTS = 250
    settings.PAYOUT_MINIMUM = 50_000
    settings.PAYOUT_FEE = 2_500


@pytest.fixture
def money(buyer, shop_b, product_b):
    """Shop B sold Rp250.000 of goods (+ Rp10.000 shipping): Rp253.750 after 2.5 % commission."""
    return funded(buyer, shop_b, product_b)


@pytest.fixture
def owner_b(client, shop_b_owner, password):
    client.login(email=shop_b_owner.email, password=password)
    return client


@pytest.fixture
def staff_b(shop_b, password):
    user = make_user("staf@example.com", first_name="Staf")
    ShopMember.objects.create(shop=shop_b, user=user, role=ShopMember.Role.STAFF)
    client = Client()
    client.login(email=user.email, password=password)
    return client


def balance_url(shop):
    return reverse("payments:balance", args=[shop.slug])


def payout_url(shop):
    return reverse("payments:payout_request", args=[shop.slug])


def statement_url(shop, year, month, csv=False):
    name = "payments:statement_csv" if csv else "payments:statement"
    return reverse(name, args=[shop.slug, year, month])


def this_month():
    today = timezone.localdate()
    return today.year, today.month


# --- Access -----------------------------------------------------------------------------------------


def test_the_owner_sees_balance_held_owed_and_commission_per_order(owner_b, shop_b, money, buyer, product_b):
    held = make_checkout(buyer, (shop_b, [(product_b, 100_000, 1)]))
    payment = held.provider_payments.create(provider="sandbox", reference="WO-held", amount=held.total)
    services.mark_paid(payment=payment)
    response = owner_b.get(balance_url(shop_b))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.available, summary.held, summary.owed) == (253_750, 110_000, 0)
    rows = {row.order.pk: row for row in response.context["order_rows"]}
    released = rows[money.pk]
    assert (released.state, released.gross, released.commission, released.net) == (
        "released",
        260_000,
        6_250,
        253_750,
    )
    assert str(released.rate_percent) == "2.50"
    waiting = rows[held.orders.get().pk]
    assert (waiting.state, waiting.gross, waiting.commission, waiting.net) == (
        "held",
        110_000,
        2_500,
        107_500,
    )
    assert "Rp253.750" in response.content.decode()
    assert reverse("payments:payout_request", args=[shop_b.slug]) in response.content.decode()


def test_the_seller_menu_links_the_balance(owner_b, shop_b):
    response = owner_b.get(reverse("vendors:dashboard", args=[shop_b.slug]))
    assert balance_url(shop_b) in response.content.decode()


def test_shop_staff_see_the_balance_and_statement_but_may_not_request_a_payout(staff_b, shop_b, money):
    assert staff_b.get(balance_url(shop_b)).status_code == 200
    assert staff_b.get(statement_url(shop_b, *this_month())).status_code == 200
    assert payout_url(shop_b) not in staff_b.get(balance_url(shop_b)).content.decode()
    assert staff_b.get(payout_url(shop_b)).status_code == 403
    response = staff_b.post(
        payout_url(shop_b),
        {"amount": 100_000, "bank_account": verified_account(shop_b).pk, "key": "a" * 32, "confirm": "1"},
    )
    assert response.status_code == 403
    assert not Payout.objects.exists()


@pytest.mark.parametrize("who", ["other_shop_owner", "buyer", "anonymous"])
def test_nobody_else_sees_a_shops_money(who, client, shop_a, shop_b, money, buyer, password):
    if who == "other_shop_owner":
        client.login(email=shop_a.members.get().user.email, password=password)
    elif who == "buyer":
        client.login(email=buyer.email, password=password)
    year, month = this_month()
    urls = [balance_url(shop_b), payout_url(shop_b), statement_url(shop_b, year, month)]
    urls.append(statement_url(shop_b, year, month, csv=True))
    for url in urls:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404, url
    posted = client.post(
        payout_url(shop_b),
        {"amount": 100_000, "bank_account": verified_account(shop_b).pk, "key": "b" * 32, "confirm": "1"},
    )
    assert posted.status_code in (302, 404) and not Payout.objects.exists()


def test_another_shops_bank_account_cannot_be_chosen(owner_b, shop_a, shop_b, money):
    response = owner_b.post(
        payout_url(shop_b),
        {"amount": 100_000, "bank_account": verified_account(shop_a).pk, "key": "c" * 32, "confirm": "1"},
    )
    assert response.status_code == 200
    assert "bank_account" in response.context["form"].errors
    assert not Payout.objects.exists()


# --- The payout form ---------------------------------------------------------------------------------


def test_the_fee_is_shown_before_the_owner_confirms_then_one_payout_is_requested(owner_b, shop_b, money):
    account = verified_account(shop_b)
    form = owner_b.get(payout_url(shop_b))
    key = form.context["form"]["key"].value()
    data = {"amount": "100000", "bank_account": account.pk, "key": key}
    confirm = owner_b.post(payout_url(shop_b), data)
    page = confirm.content.decode()
    assert confirm.templates[0].name == "payments/dashboard/payout_confirm.html"
    assert "Rp2.500" in page and "Rp97.500" in page
    assert not Payout.objects.exists()
    done = owner_b.post(payout_url(shop_b), {**data, "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == balance_url(shop_b)
    again = owner_b.post(payout_url(shop_b), {**data, "confirm": "1"})  # a double click
    assert again.status_code == 302
    payout = Payout.objects.get()
    assert (payout.amount, payout.fee, payout.net, payout.requested_by.email) == (
        100_000,
        2_500,
        97_500,
        shop_b.members.get().user.email,
    )
    assert services.available_balance(shop_b) == 153_750


def test_change_on_the_confirmation_goes_back_to_the_form_as_typed(owner_b, shop_b, money):
    data = {"amount": "120000", "bank_account": verified_account(shop_b).pk, "key": "9" * 32, "edit": "1"}
    response = owner_b.post(payout_url(shop_b), data)
    assert response.templates[0].name == "payments/dashboard/payout_form.html"
    assert 'value="120000"' in response.content.decode()
    assert not Payout.objects.exists()


def test_a_double_click_after_the_whole_balance_went_out_is_still_one_payout(owner_b, shop_b, money):
    data = {"amount": "253750", "bank_account": verified_account(shop_b).pk, "key": "d" * 32, "confirm": "1"}
    assert owner_b.post(payout_url(shop_b), data).status_code == 302
    second = owner_b.post(payout_url(shop_b), data)
    assert second.status_code == 302
    assert Payout.objects.count() == 1
    assert services.available_balance(shop_b) == 0


@pytest.mark.parametrize(
    "amount, message",
    [
        ("253751", "Rp253.750"),  # above the balance
        ("49999", "Rp50.000"),  # below the minimum
        ("abc", "150000"),  # not a number
        ("", None),
    ],
)
def test_a_refused_amount_keeps_what_was_typed_and_changes_nothing(owner_b, shop_b, money, amount, message):
    data = {"amount": amount, "bank_account": verified_account(shop_b).pk, "key": "e" * 32}
    for extra in ({}, {"confirm": "1"}):
        response = owner_b.post(payout_url(shop_b), {**data, **extra})
        assert response.status_code == 200
        assert response.context["form"].errors["amount"]
        if message:
            assert message in response.content.decode()
        assert f'value="{amount}"' in response.content.decode() or not amount
    assert not Payout.objects.exists()
    assert services.available_balance(shop_b) == 253_750
    assert not LedgerTransaction.objects.filter(key__startswith="payout").exists()


def test_an_unverified_account_is_not_offered_and_is_refused(owner_b, shop_b, money):
    account = shop_b.bank_accounts.get()
    page = owner_b.get(payout_url(shop_b)).content.decode()
    assert 'id="no-verified-account"' in page
    response = owner_b.post(
        payout_url(shop_b), {"amount": "100000", "bank_account": account.pk, "key": "f" * 32, "confirm": "1"}
    )
    assert response.status_code == 200 and "bank_account" in response.context["form"].errors
    with pytest.raises(services.PaymentRefused) as refused:
        services.request_payout(shop=shop_b, amount=100_000, bank_account=account, key="direct")
    assert refused.value.code == "unverified"
    assert not Payout.objects.exists()
    assert services.available_balance(shop_b) == 253_750


def test_errors_are_in_indonesian_by_default(owner_b, shop_b, money):
    response = owner_b.post(
        payout_url(shop_b), {"amount": "49999", "bank_account": verified_account(shop_b).pk, "key": "0" * 32}
    )
    assert "Penarikan minimal Rp50.000." in response.content.decode()


def test_a_forged_form_key_is_refused(owner_b, shop_b, money):
    response = owner_b.post(
        payout_url(shop_b),
        {"amount": "100000", "bank_account": verified_account(shop_b).pk, "key": "../x", "confirm": "1"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Payout.objects.exists()


@pytest.mark.postgres
def test_two_tabs_confirming_the_whole_balance_at_once_pay_once(
    postgres, transactional_db, buyer, shop_b, shop_b_owner, product_b, password
):
    funded(buyer, shop_b, product_b)
    account = verified_account(shop_b)
    balance = services.available_balance(shop_b)
    clients = []
    for _tab in range(2):
        tab = Client()
        tab.login(email=shop_b_owner.email, password=password)
        clients.append(tab)
    barrier, answers = threading.Barrier(2), []

    def confirm(tab, key):
        try:
            barrier.wait()
            data = {"amount": str(balance), "bank_account": account.pk, "key": key, "confirm": "1"}
            answers.append(tab.post(payout_url(shop_b), data).status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=(tab, key))
        for tab, key in zip(clients, ("1" * 32, "2" * 32), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 302]
    assert Payout.objects.count() == 1
    assert services.available_balance(shop_b) == 0


# --- The monthly statement ----------------------------------------------------------------------------


def at(moment, *keys):
    LedgerTransaction.objects.filter(key__in=keys).update(created_at=moment)


def test_the_statement_opens_with_last_month_and_adds_up_to_the_ledger(
    owner_b, buyer, shop_b, product_b, settings
):
    settings.PAYOUT_MINIMUM = 10_000
    zone = timezone.get_current_timezone()
    october = timezone.datetime(2026, 10, 20, 12, tzinfo=zone)
    november = timezone.datetime(2026, 11, 3, 9, tzinfo=zone)
    first = funded(buyer, shop_b, product_b, reference="WO-oct")
    at(october, f"hold:{first.pk}", f"release:{first.pk}")
    second = funded(buyer, shop_b, product_b, price=100_000, reference="WO-nov")
    cod = complete(
        make_checkout(buyer, (shop_b, [(product_b, 40_000, 1)]), payment=PaymentMethod.COD).orders.get()
    )
    services.charge_commission_on_cod(order=cod)
    payout = services.request_payout(
        shop=shop_b, amount=60_000, bank_account=verified_account(shop_b), key="nov"
    )
    services.mark_payout_paid(payout=payout, reference="BRI-1")
    at(november, f"hold:{second.pk}", f"release:{second.pk}", f"commission:{cod.pk}")
    at(november, f"payout:{payout.pk}:requested", f"payout:{payout.pk}:paid")

    response = owner_b.get(statement_url(shop_b, 2026, 11))
    statement = response.context["statement"]
    assert statement.opening == 253_750  # October's release
    kinds = [row.kind for row in statement.rows]
    assert kinds == ["release", "commission", "payout-requested", "payout-paid"]
    release, commission, requested, paid = statement.rows
    assert (release.gross, release.commission, release.change) == (110_000, 2_500, 107_500)
    assert (commission.gross, commission.commission, commission.change) == (50_000, 1_000, -1_000)
    assert (requested.gross, requested.fee, requested.change) == (60_000, 2_500, -60_000)
    assert (paid.gross, paid.change) == (57_500, 0)
    assert statement.closing == statement.opening + 107_500 - 1_000 - 60_000
    summary = selectors.balance_summary(shop_b)
    assert statement.closing == summary.available - summary.owed
    assert selectors.statement(shop_b, year=2026, month=10).closing == statement.opening
    page = response.content.decode()
    assert "Rp253.750" in page and "Rp300.250" in page


def test_the_statement_csv_lists_opening_each_movement_and_closing(owner_b, buyer, shop_b, product_b):
    order = funded(buyer, shop_b, product_b)
    response = owner_b.get(statement_url(shop_b, *this_month(), csv=True))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 4  # header, opening, the release, closing
    assert rows[1][-1] == "0"
    assert rows[2][2:] == [order.number, "260000", "6250", "0", "253750", "253750"]
    assert rows[3][-1] == "253750"


@pytest.mark.parametrize("year, month", [(2026, 13), (2026, 0), (1999, 5)])
def test_a_month_that_does_not_exist_is_a_404(owner_b, shop_b, year, month):
    assert owner_b.get(statement_url(shop_b, year, month)).status_code == 404
    assert owner_b.get(statement_url(shop_b, year, month, csv=True)).status_code == 404
