"""Demo shops that look like a real regency's marketplace (names, regions, rupiah)."""

import io
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from marketplace.models import District, Regency
from vendors.models import (
    BankAccount,
    Community,
    Shop,
    ShopCategory,
    ShopMember,
    ShopStatusEvent,
)

DEMO_PASSWORD = "toko-demo-2026"

COMMUNITIES = [
    # slug, name, kind, regency code, description
    ("koperasi-umkm-purwakarta", "Koperasi UMKM Purwakarta", "koperasi", "32.14",
     "Koperasi pelaku usaha mikro Purwakarta: pelatihan, pemasaran bersama dan modal usaha."),
    ("asosiasi-ikm-tegal", "Asosiasi IKM Logam & Kerajinan Tegal", "asosiasi", "33.76",
     "Perkumpulan industri kecil menengah Tegal, dari kerajinan logam hingga batik tegalan."),
]  # fmt: skip

SHOPS = [
    # slug, name, category slug, kind (what it sells, see catalog's demo products), district code,
    # community slug or "", description, colour
    ("sate-maranggi-hj-yetty", "Sate Maranggi Hj. Yetty", "makanan-minuman", "sate", "32.14.01", "koperasi-umkm-purwakarta",
     "Sate maranggi khas Purwakarta dengan bumbu kecap dan sambal oncom, dibuat setiap pagi.", "#9c3d1a"),
    ("keramik-plered-sinar", "Keramik Plered Sinar", "kerajinan", "keramik", "32.14.04", "koperasi-umkm-purwakarta",
     "Gerabah dan keramik hias buatan tangan pengrajin Plered sejak 1985.", "#b5651d"),
    ("simping-kaum-bu-enok", "Simping Kaum Bu Enok", "makanan-minuman", "camilan", "32.14.01", "koperasi-umkm-purwakarta",
     "Simping tipis renyah aneka rasa, oleh-oleh khas Purwakarta.", "#c98b2b"),
    ("kopi-jatiluhur", "Kopi Jatiluhur", "makanan-minuman", "kopi", "32.14.03", "koperasi-umkm-purwakarta",
     "Kopi robusta dari lereng Jatiluhur, disangrai dalam jumlah kecil.", "#4e342e"),
    ("batik-purwakarta-galuh", "Batik Galuh Purwakarta", "fesyen", "batik", "32.14.02", "",
     "Batik tulis dan cap motif khas Purwakarta.", "#3949ab"),
    ("tani-makmur-campaka", "Tani Makmur Campaka", "pertanian-perikanan", "tani", "32.14.02", "koperasi-umkm-purwakarta",
     "Sayur dan buah segar langsung dari petani Campaka.", "#2e7d32"),
    ("kue-balok-nenek", "Kue Balok Nenek", "makanan-minuman", "kue", "32.14.01", "",
     "Kue balok lembut dengan topping keju dan cokelat.", "#8d6e63"),
    ("gula-aren-wanayasa", "Gula Aren Wanayasa", "makanan-minuman", "aren", "32.14.01", "koperasi-umkm-purwakarta",
     "Gula aren cetak dan semut dari penyadap nira Wanayasa.", "#6d4c41"),
    ("kerupuk-ikan-batam", "Kerupuk Ikan Bu Ros Batam", "makanan-minuman", "olahan-ikan", "21.71.02", "",
     "Kerupuk ikan tenggiri dan otak-otak khas Batam.", "#00838f"),
    ("gonggong-sekupang", "Gonggong Segar Sekupang", "pertanian-perikanan", "hasil-laut", "21.71.03", "",
     "Siput gonggong dan hasil laut segar dari nelayan Sekupang.", "#0277bd"),
    ("tenun-nongsa", "Tenun Melayu Nongsa", "fesyen", "tenun", "21.71.04", "",
     "Kain tenun dan songket Melayu buatan perajin Batam.", "#6a1b9a"),
    ("logam-tegal-jaya", "Tegal Jaya Logam", "rumah-tangga", "logam", "33.76.01", "asosiasi-ikm-tegal",
     "Peralatan dapur dan perkakas logam buatan IKM Tegal.", "#546e7a"),
    ("teh-poci-tegal", "Teh Poci Mas Dar", "makanan-minuman", "teh", "33.76.02", "asosiasi-ikm-tegal",
     "Teh poci wangi melati dengan gula batu, khas Tegal.", "#795548"),
    ("batik-tegalan-ayu", "Batik Tegalan Ayu", "fesyen", "batik", "33.76.03", "asosiasi-ikm-tegal",
     "Batik tegalan warna sogan dengan motif beras mawur.", "#ad1457"),
    ("kerajinan-bambu-margasari", "Kerajinan Bambu Margasari", "kerajinan", "bambu", "33.28.01", "asosiasi-ikm-tegal",
     "Anyaman bambu untuk rumah dan oleh-oleh.", "#827717"),
    ("bawang-goreng-bumijawa", "Bawang Goreng Bumijawa", "makanan-minuman", "bawang", "33.28.02", "",
     "Bawang goreng renyah tanpa pengawet dari Bumijawa.", "#bf360c"),
    ("kemplang-pangkalpinang", "Kemplang Panggang Bangka", "makanan-minuman", "olahan-ikan", "19.71.01", "",
     "Kemplang ikan panggang dan getas khas Bangka.", "#ef6c00"),
    ("lada-putih-bangka", "Lada Putih Muntok Bu Yati", "pertanian-perikanan", "rempah", "19.71.02", "",
     "Lada putih Bangka pilihan, dikemas higienis.", "#5d4037"),
    ("sabun-herbal-rangkui", "Sabun Herbal Rangkui", "kecantikan", "herbal", "19.71.04", "",
     "Sabun dan minyak herbal dari tanaman lokal Bangka.", "#00897b"),
    ("jasa-jahit-pangkal-balam", "Jahit Rapi Pangkal Balam", "jasa", "jahit", "19.71.03", "",
     "Jasa jahit dan permak pakaian, bisa antar jemput.", "#455a64"),
]  # fmt: skip
KINDS = {row[0]: row[3] for row in SHOPS}

PENDING_SHOP = ("rengginang-bu-imas", "Rengginang Bu Imas", "makanan-minuman", "camilan", "32.14.01",
                "koperasi-umkm-purwakarta", "Rengginang ketan aneka rasa, baru mendaftar.", "#a1887f")  # fmt: skip
# A year of life: the first shop joined about twelve months ago, the last one this month.
YEAR = timedelta(days=360)

BANKS = ["BRI", "BNI", "Bank Mandiri", "BCA", "Bank BJB", "BSI"]


def logo_png(text, colour) -> bytes:
    """A square logo with the shop's initials, drawn here so nothing is downloaded."""
    image = Image.new("RGB", (400, 400), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in text.split()[:2]).upper()
    draw.text((200, 200), initials, fill="white", anchor="mm", font_size=160)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def demo_owner(slug):
    email = f"{slug}@warung.test"
    user, created = get_user_model().objects.get_or_create(email=email, defaults={"first_name": "Pemilik"})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def demo_shops():
    """The shops the demo seeders made, and only those."""
    return Shop.objects.filter(is_demo=True)


def joined_at(number, now):
    """When the demo shop `number` was approved: spread evenly over the last twelve months."""
    return now - YEAR + YEAR * number / len(SHOPS)


def ensure_shop(row, *, status, number):
    """The demo shop of `row`: (shop, created), or (None, False) when a real shop has its slug."""
    slug, name, category, _kind, district_code, community, description, colour = row
    shop = Shop.objects.filter(slug=slug).first()
    if shop is not None:
        return (shop if shop.is_demo else None), False
    district = District.objects.get(code=district_code)
    shop = Shop.objects.create(
        is_demo=True,
        slug=slug,
        name=name,
        description=description,
        whatsapp=f"+62812{3000000 + number * 7919:07d}",
        instagram=slug.replace("-", "")[:30],
        street_address=f"Jl. Raya {district.name} No. {number + 1}",
        district=district,
        postal_code="",
        opening_hours="Senin–Sabtu 08.00–17.00",
        pickup_enabled=True,
        cod_enabled=number % 2 == 0,
        status=status,
        onboarding_step=4,
    )
    shop.logo.save(f"{slug}.png", ContentFile(logo_png(name, colour)), save=True)
    shop.categories.set(ShopCategory.objects.filter(slug=category))
    if community:
        shop.communities.add(Community.objects.get(slug=community))
    ShopMember.objects.create(shop=shop, user=demo_owner(slug), role=ShopMember.Role.OWNER)
    BankAccount.objects.create(
        shop=shop,
        bank=BANKS[number % len(BANKS)],
        account_number=f"{1234567890 + number * 1111}",
        holder_name=name,
    )
    return shop, True


@transaction.atomic
def seed_shops():
    """~20 approved shops in Purwakarta, Batam, Tegal and Pangkalpinang, two communities, one pending."""
    for slug, name, kind, regency_code, description in COMMUNITIES:
        Community.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "regency": Regency.objects.get(code=regency_code),
                "description": description,
            },
        )
    created, now = 0, timezone.now()
    for number, row in enumerate(SHOPS):
        shop, new = ensure_shop(row, status=Shop.Status.APPROVED, number=number)
        if new:
            backdate_onboarding(shop, joined_at(number, now))
            created += 1
    pending, new = ensure_shop(PENDING_SHOP, status=Shop.Status.PENDING, number=len(SHOPS))
    if new:
        Shop.objects.filter(pk=pending.pk).update(
            created_at=now - timedelta(days=5), submitted_at=now - timedelta(days=3)
        )
    return created


def backdate_onboarding(shop, approved_at):
    """Registered a week before approval, submitted two days before, with the dinas decision logged."""
    Shop.objects.filter(pk=shop.pk).update(
        created_at=approved_at - timedelta(days=7),
        submitted_at=approved_at - timedelta(days=2),
        approved_at=approved_at,
    )
    ShopMember.objects.filter(shop=shop).update(created_at=approved_at - timedelta(days=7))
    event = ShopStatusEvent.objects.create(
        shop=shop, from_status=Shop.Status.PENDING, to_status=Shop.Status.APPROVED, reason="Data demo"
    )
    ShopStatusEvent.objects.filter(pk=event.pk).update(created_at=approved_at)
