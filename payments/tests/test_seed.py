"""The demo complaints: made once on demo shops' orders, whatever the number of runs."""

from django.core.management import call_command

from conftest import make_user
from orders.models import Order, OrderStatus
from orders.tests.factories import make_product, make_shop
from payments import ledger, tasks
from payments.models import Complaint, ComplaintStatus, ProviderRefund
from vendors.models import Shop


def test_demo_complaints_one_resolved_by_the_dinas_one_open(db):
    make_user("pembeli@warung.test", first_name="Siti")
    make_user("dinas@warung.test", is_staff=True, is_superuser=True)
    for n in range(2):
        shop = make_shop(make_user(f"toko{n}@warung.test"), name=f"Toko Demo {n}")
        Shop.objects.filter(pk=shop.pk).update(is_demo=True)
        make_product(shop, stock=50)

    call_command("seed_demo_complaints")
    call_command("seed_demo_complaints")

    resolved = Complaint.objects.get(status=ComplaintStatus.RESOLVED)
    assert resolved.outcome == "refunded"
    assert resolved.decided_by.email == "dinas@warung.test"
    assert [e.kind for e in resolved.events.all()] == ["opened", "escalated", "decided"]
    assert resolved.order.status == OrderStatus.REFUNDED
    open_one = Complaint.objects.get(status=ComplaintStatus.OPEN)
    assert open_one.order.status == OrderStatus.IN_COMPLAINT
    assert Complaint.objects.count() == 2 and Order.objects.count() == 2
    tasks.retry_provider_refunds()  # what the commit hook does outside a test transaction
    assert ProviderRefund.objects.get().status == ProviderRefund.Status.SENT
    assert ledger.recompute() == []
