import pytest

from marketplace.tests.test_settings import TEST_SECRET
from marketplace.tests.test_settings import run_python as run_any


def run_python(args, **env):
    return run_any(args, **{"SECRET_KEY": TEST_SECRET, **env})


SHOW = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.PAYMENT_MODE, s.PAYMENT_PROVIDER, s.COMMISSION_RATE_BASIS_POINTS, s.MIDTRANS_SERVER_KEY or '-')"
)


def test_direct_mode_and_the_sandbox_need_no_configuration():
    result = run_python(["-c", SHOW])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["direct", "sandbox", "250", "-"]


def test_transaksi_aman_with_midtrans_comes_from_the_environment():
    result = run_python(
        ["-c", SHOW],
        PAYMENT_MODE="aman",
        PAYMENT_PROVIDER="midtrans",
        COMMISSION_RATE_BASIS_POINTS="0",
        MIDTRANS_SERVER_KEY="SB-Mid-server-x",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["aman", "midtrans", "0", "SB-Mid-server-x"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PAYMENT_MODE", "escrow"),
        ("PAYMENT_PROVIDER", "paypal"),
        ("COMMISSION_RATE_BASIS_POINTS", "2.5%"),
        ("COMMISSION_RATE_BASIS_POINTS", "12000"),
    ],
)
def test_a_wrong_payment_setting_stops_start_up_with_one_line_naming_it(variable, value):
    result = run_python(["manage.py", "check"], **{variable: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Configuration error: ") and variable in lines[0], (
        result.stderr
    )


def test_live_transaksi_aman_on_the_sandbox_needs_its_own_key():
    refused = run_python(["manage.py", "check"], PAYMENT_MODE="aman")
    assert refused.returncode != 0 and "SANDBOX_SERVER_KEY" in refused.stderr
    assert run_python(["-c", SHOW], PAYMENT_MODE="aman", DEBUG="1").returncode == 0
    assert run_python(["-c", SHOW], PAYMENT_MODE="aman", SANDBOX_SERVER_KEY="a-secret").returncode == 0
