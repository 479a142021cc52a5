"""The categories every marketplace starts with: what local small businesses sell.

Migration 0003 seeds them from here, and tests re-seed them after transactional tests empty
the tables. Add or rename categories with a new data migration calling seed_categories().
"""

# (slug, name, icon, [(slug, name), ...]): categories that fit local small businesses.
CATEGORIES = [
    (
        "makanan-minuman",
        "Makanan & Minuman",
        "🍲",
        [
            ("makanan-ringan", "Makanan Ringan & Keripik"),
            ("kue-roti", "Kue & Roti"),
            ("lauk-frozen", "Lauk & Makanan Beku"),
            ("sambal-bumbu", "Sambal & Bumbu"),
            ("kopi-teh", "Kopi & Teh"),
            ("minuman", "Minuman"),
        ],
    ),
    (
        "fesyen",
        "Fesyen",
        "👕",
        [
            ("batik", "Batik"),
            ("pakaian-muslim", "Pakaian Muslim"),
            ("pakaian-anak", "Pakaian Anak"),
            ("tas-dompet", "Tas & Dompet"),
            ("sepatu-sandal", "Sepatu & Sandal"),
        ],
    ),
    (
        "kerajinan",
        "Kerajinan",
        "🧺",
        [
            ("anyaman", "Anyaman"),
            ("keramik-gerabah", "Keramik & Gerabah"),
            ("kerajinan-kayu", "Kerajinan Kayu"),
            ("suvenir", "Suvenir & Oleh-oleh"),
        ],
    ),
    (
        "kecantikan",
        "Kecantikan & Perawatan",
        "🌿",
        [
            ("sabun-herbal", "Sabun & Herbal"),
            ("perawatan-kulit", "Perawatan Kulit"),
            ("jamu", "Jamu"),
        ],
    ),
    (
        "pertanian-perikanan",
        "Pertanian & Perikanan",
        "🌾",
        [
            ("sayur-buah", "Sayur & Buah"),
            ("beras-biji", "Beras & Biji-bijian"),
            ("ikan-olahan", "Ikan & Hasil Laut Olahan"),
            ("tanaman-bibit", "Tanaman & Bibit"),
        ],
    ),
    (
        "rumah-tangga",
        "Rumah Tangga",
        "🏠",
        [
            ("peralatan-dapur", "Peralatan Dapur"),
            ("dekorasi", "Dekorasi Rumah"),
            ("kebersihan", "Kebersihan"),
        ],
    ),
    (
        "jasa",
        "Jasa",
        "🛠️",
        [
            ("jahit", "Jahit & Permak"),
            ("katering", "Katering"),
            ("servis", "Servis & Perbaikan"),
        ],
    ),
    ("lainnya", "Lainnya", "📦", []),
]


def seed_categories(Category):
    """Create or update the standard categories (idempotent); `Category` may be a historical model."""
    for position, (slug, name, icon, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.update_or_create(
            slug=slug, defaults={"name": name, "icon": icon, "position": position, "parent": None}
        )
        for child_position, (child_slug, child_name) in enumerate(children):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={"name": child_name, "position": child_position, "parent": parent},
            )
