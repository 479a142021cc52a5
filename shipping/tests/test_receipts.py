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
