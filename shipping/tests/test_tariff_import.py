import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user, moderator_group
from shipping.models import Tariff
from shipping.tariff_import import COLUMNS, import_tariffs, template_csv

HEADER = ",".join(COLUMNS)


@pytest.fixture
def regions(purwakarta, batam, tegal):
    return purwakarta, batam, tegal


def csv_bytes(*rows, header=HEADER):
    return ("\n".join([header, *rows]) + "\n").encode()


def problems_of(report):
    return {line: " ".join(messages) for line, messages in report.problems}


def test_a_good_file_creates_every_tariff(regions):
    report = import_tariffs(
        raw=csv_bytes("32.14,21.71,jne,REG,38000,30000,3,5", "32.14,33,jnt,ez,16000,9000,2,4")
    )
    assert report.ok and (report.created, report.updated) == (2, 0)
    to_batam = Tariff.objects.get(destination_regency="21.71")
    assert (to_batam.courier, to_batam.service, to_batam.first_kg_fee, to_batam.next_kg_fee) == (
        "jne",
        "REG",
        38000,
        30000,
    )
    to_central_java = Tariff.objects.get(destination_province="33")
    assert (
        to_central_java.service,
        to_central_java.min_days,
        to_central_java.max_days,
        to_central_java.shop,
    ) == (
        "EZ",
        2,
        4,
        None,
    )


def test_importing_again_updates_the_prices_instead_of_duplicating(regions):
    import_tariffs(raw=csv_bytes("32.14,21.71,jne,REG,38000,30000,3,5"))
    report = import_tariffs(raw=csv_bytes("32.14,21.71,jne,REG,39000,31000,3,6"))
    assert (report.created, report.updated) == (0, 1)
    assert Tariff.objects.get().first_kg_fee == 39000


def test_the_downloadable_template_imports_as_it_is(regions):
    assert import_tariffs(raw=template_csv().encode()).ok


def test_a_spreadsheet_in_indonesian_format_is_understood(regions):
    raw = "\ufefforigin;destination;courier;service;first_kg_fee;next_kg_fee;min_days;max_days\n32.14;21.71;JNE;reg;Rp38.000;30.000;3;5\n"
    report = import_tariffs(raw=raw.encode())
    assert report.ok, report.problems
    assert Tariff.objects.get().first_kg_fee == 38000


def test_a_shop_imports_its_own_tariffs(regions, shop_a):
    import_tariffs(raw=csv_bytes("32.14,21.71,jne,REG,35000,28000,3,5"), shop=shop_a)
    import_tariffs(raw=csv_bytes("32.14,21.71,jne,REG,38000,30000,3,5"))
    assert Tariff.objects.for_shop(shop_a).count() == 2
    assert Tariff.objects.get(shop=shop_a).first_kg_fee == 35000


def test_one_bad_row_imports_nothing_and_names_its_line(regions):
    report = import_tariffs(
        raw=csv_bytes("32.14,21.71,jne,REG,38000,30000,3,5", "99.99,21.71,jne,REG,38000,30000,3,5")
    )
    assert not report.ok
    assert list(problems_of(report)) == [3]
    assert "99.99" in problems_of(report)[3]
    assert Tariff.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("32.14,21.99,jne,REG,38000,30000,3,5", "unknown regency or province code “21.99”"),
        ("32,21.71,jne,REG,38000,30000,3,5", "origin: unknown regency code “32”"),
        ("32.14,21.71,jne,REG,-38000,30000,3,5", "first_kg_fee cannot be negative"),
        ("32.14,21.71,jne,REG,38000,-1,3,5", "next_kg_fee cannot be negative"),
        ("32.14,21.71,jne,REG,0,30000,3,5", "first_kg_fee must be between 1 and"),
        ("32.14,21.71,jne,REG,38.5,30000,3,5", "must be a whole number, got “38.5”"),
        ("32.14,21.71,jne,REG,38000,30000,5,3", "min_days cannot be more than max_days"),
        ("32.14,21.71,jne,KILAT,38000,30000,3,5", "unknown pair “jne KILAT”"),
        ("32.14,21.71,dhl,EXPRESS,38000,30000,3,5", "unknown pair"),
        ("32.14,21.71,jne,REG,38000,30000,3,5,extra", "more values than there are columns"),
    ],
)
def test_each_kind_of_bad_row_gets_a_clear_message(regions, row, expected):
    report = import_tariffs(raw=csv_bytes(row))
    assert expected in problems_of(report)[2]
    assert Tariff.objects.count() == 0


def test_every_bad_row_is_reported_at_once(regions):
    report = import_tariffs(
        raw=csv_bytes(
            "32.14,21.71,jne,REG,-1,30000,3,5",
            "32.14,21.71,jne,REG,38000,30000,3,5",
            "32.14,xx,jne,REG,1,1,1,1",
        )
    )
    assert list(problems_of(report)) == [2, 4]


def test_a_duplicate_route_names_the_line_it_repeats(regions):
    report = import_tariffs(
        raw=csv_bytes("32.14,21.71,jne,REG,38000,30000,3,5", "32.14,21.71,JNE,reg,39000,30000,3,5")
    )
    assert "already on line 2" in problems_of(report)[3]
    assert Tariff.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "The file is empty."),
        (HEADER.encode() + b"\n", "no tariffs"),
        (
            b"origin,destination,courier,service,first_kg_fee\n32.14,21.71,jne,REG,1\n",
            "missing columns: next_kg_fee",
        ),
        (csv_bytes("32.14,21.71,jne,REG,1,1,1,1", header=HEADER + ",price"), "unknown columns: price"),
        ("origin,destination\nKab. Purwakarta,Batam\n".encode("utf-16"), "not UTF-8"),
        (
            HEADER.encode() + "\n32.14,21.71,jne,REG,38000,30000,3,5 \xe9t\xe9\n".encode("latin-1"),
            "not UTF-8",
        ),
    ],
)
def test_a_file_that_is_not_a_tariff_table_is_refused_whole(regions, raw, expected):
    report = import_tariffs(raw=raw)
    assert report.problems[0][0] is None
    assert expected in report.problems[0][1][0]
    assert Tariff.objects.count() == 0


@pytest.fixture
def dinas_client(db, client, password):
    staff = make_user("dinas@example.com", is_staff=True)
    staff.groups.add(moderator_group())
    client.login(email=staff.email, password=password)
    client.cookies["django_language"] = "en"
    return client


def test_dinas_staff_import_a_table_from_the_admin(dinas_client, regions):
    page = dinas_client.get(reverse("admin:shipping_tariff_changelist"))
    assert reverse("admin:shipping_tariff_import") in page.content.decode()
    upload = SimpleUploadedFile("tariffs.csv", csv_bytes("32.14,21.71,jne,REG,38000,30000,3,5"), "text/csv")
    response = dinas_client.post(reverse("admin:shipping_tariff_import"), {"file": upload}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:shipping_tariff_changelist")
    assert "1 new, 0 updated" in response.content.decode()
    assert Tariff.objects.get().first_kg_fee == 38000


def test_the_admin_import_shows_every_row_problem_and_keeps_nothing(dinas_client, regions):
    upload = SimpleUploadedFile("tariffs.csv", csv_bytes("32.14,21.71,jne,REG,-5,30000,3,5"), "text/csv")
    response = dinas_client.post(reverse("admin:shipping_tariff_import"), {"file": upload})
    assert response.status_code == 200
    assert "Line 2" in response.content.decode()
    assert "first_kg_fee cannot be negative" in response.content.decode()
    assert Tariff.objects.count() == 0


def test_dinas_staff_edit_a_tariff_and_download_the_template(dinas_client, regions):
    from shipping.tests.factories import tariff

    row = tariff(regions[0].regency, to=regions[1].regency)
    assert dinas_client.get(reverse("admin:shipping_tariff_change", args=[row.pk])).status_code == 200
    template = dinas_client.get(reverse("admin:shipping_tariff_template"))
    assert template["Content-Type"].startswith("text/csv")
    assert template.content.decode().startswith(HEADER)


def test_staff_without_the_tariff_permissions_cannot_import(db, client, password, regions):
    staff = make_user("someone@example.com", is_staff=True)
    client.login(email=staff.email, password=password)
    assert client.get(reverse("admin:shipping_tariff_import")).status_code == 403
