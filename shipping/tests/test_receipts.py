import pytest

from shipping.receipts import ReceiptNumberError, normalise_receipt_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("JP1234567890", "JP1234567890"),
        (" jp 1234 5678 90 ", "JP1234567890"),
        ("004212345678\t", "004212345678"),
        ("cgk-12345678", "CGK-12345678"),
    ],
)
def test_a_receipt_number_is_stored_the_way_couriers_print_it(typed, stored):
    assert normalise_receipt_number(typed) == stored


@pytest.mark.parametrize("typed", ["", "   ", "12345", "JP12<script>", "resi: JP123456", "-JP1234567"])
def test_what_no_courier_prints_is_refused_with_a_message(typed):
    with pytest.raises(ReceiptNumberError) as error:
        normalise_receipt_number(typed)
    assert "JP1234567890" in str(error.value.message)


@pytest.mark.parametrize(
    ("courier", "typed", "stored"),
    [
        ("jnt", " jp 1234 5678 90 ", "JP1234567890"),
        ("jnt", "jd0012345678", "JD0012345678"),
        ("jnt", "123456789012", "123456789012"),
        ("sicepat", "0042 1234 5678", "004212345678"),
        ("jne", "cgk 1234 5678 9012", "CGK123456789012"),  # no JNE format: the general shape
        ("", "jp1234567890", "JP1234567890"),
        ("Kurir toko", "ab-123456", "AB-123456"),
    ],
)
def test_a_number_in_its_couriers_format_is_accepted(courier, typed, stored):
    assert normalise_receipt_number(typed, courier=courier) == stored


@pytest.mark.parametrize(
    ("courier", "typed", "example"),
    [
        ("jnt", "JP12345678", "JP1234567890"),  # two digits short
        ("jnt", "004212345678X", "JP1234567890"),
        ("sicepat", "JP1234567890", "004212345678"),  # J&T's number under SiCepat
        ("sicepat", "00421234567", "004212345678"),
    ],
)
def test_a_number_that_is_not_its_couriers_shape_is_refused_with_an_example(courier, typed, example):
    with pytest.raises(ReceiptNumberError) as error:
        normalise_receipt_number(typed, courier=courier)
    assert example in str(error.value.message)
    assert "Check the courier and the number" in str(error.value.message)
