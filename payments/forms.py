import re
import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from marketplace.money import format_rupiah
from payments.models import Payout

FORM_KEY = re.compile(r"^[0-9a-f]{32}$")


class PayoutForm(forms.Form):
    """A shop owner's payout request. `key` is made when the form is shown, so a double click or
    a resent form requests one payout."""

    amount = forms.IntegerField(
        label=_("Amount (Rp)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
        error_messages={
            "invalid": _("Enter whole rupiah, digits only (e.g. 150000)."),
            "min_value": _("Enter an amount above zero."),
            "required": _("Enter the amount to withdraw."),
        },
    )
    bank_account = forms.ModelChoiceField(
        label=_("To the bank account"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": _("Choose a verified bank account."),
            "invalid_choice": _("Choose one of the shop's verified bank accounts."),
        },
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=32)

    def __init__(self, *args, shop, available, **kwargs):
        super().__init__(*args, **kwargs)
        self.shop, self.available = shop, available
        self.fields["bank_account"].queryset = shop.bank_accounts.filter(verified_at__isnull=False)
        self.fields["key"].initial = uuid.uuid4().hex

    def clean_key(self):
        key = self.cleaned_data["key"]
        if not FORM_KEY.match(key):
            raise forms.ValidationError(_("This form is out of date: please fill it in again."))
        return key

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < settings.PAYOUT_MINIMUM:
            raise forms.ValidationError(
                _("The minimum payout is %(minimum)s.") % {"minimum": format_rupiah(settings.PAYOUT_MINIMUM)}
            )
        if amount <= settings.PAYOUT_FEE:
            raise forms.ValidationError(_("The payout must be more than its fee."))
        if amount > self.available:
            raise forms.ValidationError(
                _("The payout cannot be more than the available balance (%(balance)s).")
                % {"balance": format_rupiah(self.available)}
            )
        return amount

    def idempotency_key(self) -> str:
        return form_key(self.shop, self.cleaned_data["key"])


def form_key(shop, key) -> str:
    # Per shop, so that a key sent for another shop never returns that shop's payout.
    return f"payout-form:{shop.pk}:{key}"


def already_requested(shop, data) -> Payout | None:
    """The payout this very form already requested (a double click after the balance went down)."""
    key = data.get("key", "")
    if not FORM_KEY.match(key):
        return None
    return Payout.objects.filter(shop=shop, key=form_key(shop, key)).first()


class MarkPaidForm(forms.Form):
    """Staff's bank reference for each payout of a batch transferred by hand."""

    def __init__(self, *args, payouts, **kwargs):
        super().__init__(*args, **kwargs)
        self.payouts = list(payouts)
        for payout in self.payouts:
            self.fields[f"reference_{payout.pk}"] = forms.CharField(
                label=f"{payout.shop} · {payout.bank} {payout.account_number} · {format_rupiah(payout.net)}",
                max_length=100,
                required=False,
            )

    def references(self) -> list[tuple[Payout, str]]:
        """The payouts given a reference (the others stay requested)."""
        pairs = [(p, self.cleaned_data.get(f"reference_{p.pk}", "").strip()) for p in self.payouts]
        return [(payout, reference) for payout, reference in pairs if reference]
