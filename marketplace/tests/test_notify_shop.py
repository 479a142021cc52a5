"""One way to tell a shop something: recipients chosen by role, each text in the recipient's language."""

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext_lazy

from conftest import make_user
from marketplace import notifications
from marketplace.models import Notification
from orders.tests.factories import buy, make_address, make_product, make_shop
from vendors import services as vendor_services
from vendors.models import Shop, ShopMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(db):
    return make_user("owner@example.com", full_name="Ani Rahayu", language="id")


@pytest.fixture
def staff(db):
    return make_user("staff@example.com", full_name="Dewi Lestari", language="en")


@pytest.fixture
def shop(owner, staff):
    shop = make_shop(owner, name="Dapur Bu Ani")
    ShopMember.objects.create(shop=shop, user=staff, role=ShopMember.Role.STAFF)
    return shop


def titles_of(user):
    return list(Notification.objects.filter(user=user).values_list("title", flat=True))


def test_orders_reach_owner_and_staff_money_only_the_owner(shop, owner, staff):
    notifications.notify_shop(shop=shop, roles=notifications.ORDERS, title="Pesanan baru")
    notifications.notify_shop(shop=shop, roles=notifications.OWNERS, title="Rekening diubah")

    assert titles_of(owner) == ["Rekening diubah", "Pesanan baru"]
    assert titles_of(staff) == ["Pesanan baru"]


def test_each_recipient_reads_the_text_in_their_own_language(shop, owner, staff):
    with translation.override("en"):  # whoever acted was reading English
        notifications.notify_shop(
            shop=shop,
            roles=notifications.ORDERS,
            title=gettext_lazy("New order %(number)s"),
            params={"number": "WO-1"},
        )

    assert titles_of(owner) == ["Pesanan baru WO-1"]
    assert titles_of(staff) == ["New order WO-1"]


def test_a_typed_reason_is_kept_as_typed(shop, owner):
    notifications.notify_shop(
        shop=shop,
        roles=notifications.OWNERS,
        title=gettext_lazy("Stock and prices"),
        body="Diskon 50% hari ini",
    )

    assert Notification.objects.get(user=owner).body == "Diskon 50% hari ini"


def test_a_buyer_in_english_orders_and_the_indonesian_shop_is_told_in_indonesian(buyer, shop, owner, staff):
    buyer.language = "en"
    buyer.save()
    product = make_product(shop, name="Keripik Pedas")
    with translation.override("en"):
        order = buy(buyer, (product, 1), address=make_address(buyer)).orders.get()

    assert titles_of(owner) == [f"Pesanan baru {order.number}"]
    assert titles_of(staff) == [f"New order {order.number}"]
    assert titles_of(buyer)[0].startswith("Your order is placed: how to pay")


def test_shop_verification_goes_to_owners_only_in_their_language(shop, owner, staff, moderator):
    owner.language = "en"
    owner.save()
    Shop.objects.filter(pk=shop.pk).update(status=Shop.Status.PENDING)
    shop.refresh_from_db()

    with translation.override("id"):
        vendor_services.change_status(shop=shop, to=Shop.Status.APPROVED, actor=moderator)

    assert titles_of(owner) == ["Your shop Dapur Bu Ani is approved and open to buyers"]
    assert titles_of(staff) == []


def test_the_email_has_a_text_and_an_html_body_in_the_recipients_language(
    owner, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "http://127.0.0.1:8301"
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            user=owner,
            title=gettext_lazy("New order %(number)s"),
            body="Keripik Pedas × 2",
            url="/dashboard/dapur/pesanan/WO-1/",
            params={"number": "WO-1"},
        )

    (message,) = mail.outbox
    assert message.subject == "Pesanan baru WO-1"
    assert "Halo Ani Rahayu," in message.body
    assert "Keripik Pedas × 2" in message.body
    assert "http://127.0.0.1:8301/dashboard/dapur/pesanan/WO-1/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="http://127.0.0.1:8301/dashboard/dapur/pesanan/WO-1/"' in html
    assert "Halo Ani Rahayu," in html and "Buka" in html
    assert '<html lang="id">' in html


def test_an_english_readers_html_email_says_it_is_in_english(owner, django_capture_on_commit_callbacks):
    owner.language = "en"
    owner.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            user=owner, title=gettext_lazy("New order %(number)s"), params={"number": "WO-1"}
        )

    (message,) = mail.outbox
    assert message.subject == "New order WO-1"
    assert '<html lang="en">' in message.alternatives[0][0]


def test_html_email_escapes_what_users_typed(owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(user=owner, title="Pesan <b>tebal</b>", body="<script>x</script>")

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


def test_switching_language_is_remembered_on_the_account(client, buyer, password):
    client.login(email=buyer.email, password=password)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    buyer.refresh_from_db()
    assert buyer.language == "en"


def test_switching_language_as_a_visitor_still_works(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
