import pytest

from conftest import make_user, moderator_group
from orders.models import OrderStatus as S
from orders.models import PaymentMethod
from reports.tests import factories as f


@pytest.fixture
def dinas_moderator(db):
    user = make_user("petugas@dinas.example", first_name="Rina", is_staff=True)
    user.groups.add(moderator_group())
    return user


@pytest.fixture
def moderator_client(client, dinas_moderator, password):
    client.login(email=dinas_moderator.email, password=password)
    return client


@pytest.fixture
def dataset(db, buyer):
    """Three shops in two regencies, two communities, seven orders across three months.

    Counted by hand:
    - Dapur Ani (Purwakarta/Purwakarta, Koperasi Maju): approved 2026-01-10; sells keripik (food).
      Jan: completed 2 × 15.000 = 30.000; Feb: paid transfer 1 × 15.000 = 15.000;
      Feb: awaiting payment 1 × 15.000 (not a sale); Mar: cancelled 3 × 15.000 (not a sale).
    - Batik Bayu (Purwakarta/Campaka, Koperasi Maju and Paguyuban Batik): approved 2026-02-03;
      sells batik (fashion). Feb: COD shipped 1 × 200.000 (not a sale: COD counts when completed);
      Mar: COD completed 1 × 200.000 = 200.000.
    - Gonggong Citra (Batam/Batam Kota, no community): approved 2026-03-20; sells a souvenir (crafts).
      Mar: processing transfer 2 × 50.000 = 100.000.
    - Toko Baru (Purwakarta, pending): no orders.
    Sales: Jan 30.000; Feb 15.000; Mar 300.000; total 345.000 in 4 orders sold (7 placed).
    """
    maju = f.community("Koperasi Maju Bersama", "koperasi-maju")
    batik = f.community("Paguyuban Batik Purwakarta", "paguyuban-batik")
    food = f.category("makanan-minuman-uji", "Makanan & Minuman")
    snacks = f.category("keripik-uji", "Keripik", parent=food)
    fashion = f.category("fesyen-uji", "Fesyen")
    crafts = f.category("kerajinan-uji", "Kerajinan")
    owners = [make_user(f"owner{i}@example.com", first_name=f"Pemilik {i}") for i in range(4)]
    ani = f.shop(owners[0], "Dapur Ani", approved=f.at(2026, 1, 10), communities=[maju])
    bayu = f.shop(
        owners[1], "Batik Bayu", where=f.CAMPAKA, approved=f.at(2026, 2, 3), communities=[maju, batik]
    )
    citra = f.shop(owners[2], "Gonggong Citra", where=f.BATAM, approved=f.at(2026, 3, 20))
    baru = f.shop(owners[3], "Toko Baru", status="pending")
    keripik = f.product(ani, name="Keripik Singkong", category=snacks, price=15_000)
    kain = f.product(bayu, name="Kain Batik", category=fashion, price=200_000)
    suvenir = f.product(citra, name="Suvenir Gonggong", category=crafts, price=50_000)
    f.order(buyer, product=keripik, quantity=2, when=f.at(2026, 1, 15))
    f.order(buyer, product=keripik, status=S.PAID, when=f.at(2026, 2, 1))
    f.order(buyer, product=keripik, status=S.AWAITING_PAYMENT, when=f.at(2026, 2, 2))
    f.order(buyer, product=keripik, quantity=3, status=S.CANCELLED, when=f.at(2026, 3, 1))
    f.order(buyer, product=kain, status=S.SHIPPED, payment=PaymentMethod.COD, when=f.at(2026, 2, 10))
    f.order(buyer, product=kain, status=S.COMPLETED, payment=PaymentMethod.COD, when=f.at(2026, 3, 5))
    f.order(buyer, product=suvenir, quantity=2, status=S.PROCESSING, when=f.at(2026, 3, 25))
    return {
        "shops": {"ani": ani, "bayu": bayu, "citra": citra, "baru": baru},
        "communities": {"maju": maju, "batik": batik},
        "products": {"keripik": keripik, "kain": kain, "suvenir": suvenir},
    }
