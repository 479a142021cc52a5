import pytest

from payments.tests.test_settings import run_python

SHOW = "import django; django.setup(); from django.conf import settings as s; print(s.PAYOUT_PROVIDER or '-')"


def test_payouts_are_paid_by_hand_unless_a_provider_is_configured():
    result = run_python(["-c", SHOW])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["-"]
    keys = {"IRIS_CREATOR_KEY": "c", "IRIS_APPROVER_KEY": "a"}
    assert run_python(["-c", SHOW], PAYOUT_PROVIDER="iris", **keys).stdout.split() == ["iris"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PAYOUT_PROVIDER": "paypal"}, "PAYOUT_PROVIDER"),
        ({"PAYOUT_PROVIDER": "iris", "IRIS_CREATOR_KEY": "c"}, "IRIS_APPROVER_KEY"),
        ({"PAYOUT_PROVIDER": "xendit"}, "XENDIT_SECRET_KEY"),
    ],
)
def test_a_payout_provider_without_its_keys_stops_start_up_with_one_line(env, named):
    result = run_python(["manage.py", "check"], **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Configuration error: ") and named in lines[0], (
        result.stderr
    )
