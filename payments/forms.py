"""Forms of the complaint and payout pages: they check input; `payments.complaints` and
`payments.services` do the writes."""

import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.images import without_metadata
from marketplace.money import format_rupiah
from marketplace.text import TidyTextMixin
from payments.complaints import Decision
from payments.models import ComplaintReason, ComplaintRequest, Payout

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to COMPLAINT_MAX_PHOTOS photos, each re-encoded without metadata (like every upload)."""

    widget = MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else [data] if data else []
        if len(uploads) > settings.COMPLAINT_MAX_PHOTOS:
            raise ValidationError(
                _("At most %(count)d photos.") % {"count": settings.COMPLAINT_MAX_PHOTOS}, code="too_many"
            )
        return [clean_photo(super(MultiplePhotoField, self).clean(upload, initial)) for upload in uploads]


def clean_photo(upload):
    """A photo stored without EXIF or GPS: a phone's photo of a parcel says where the buyer lives."""
    return without_metadata(
        upload, max_bytes=settings.COMPLAINT_PHOTO_MAX_BYTES, max_pixels=settings.PRODUCT_IMAGE_MAX_PIXELS
    )


class ComplaintForm(TidyTextMixin, forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong?"), choices=ComplaintReason.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=gettext_lazy("Describe the problem"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The shop and, if needed, the dinas read this."),
    )
    photos = MultiplePhotoField(
        label=gettext_lazy("Photos"),
        required=False,
        help_text=gettext_lazy("Up to 4 photos (JPEG, PNG or WebP) of the parcel and the goods."),
    )
    request = forms.ChoiceField(
        label=gettext_lazy("What do you ask for?"), choices=ComplaintRequest.choices, widget=forms.RadioSelect
    )
    amount = forms.IntegerField(
        label=gettext_lazy("Amount to refund (Rp)"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Only for a partial refund."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("request") == ComplaintRequest.REFUND_PART and not cleaned.get("amount"):
            self.add_error("amount", _("Enter the amount you ask back."))
        return cleaned

    @property
    def files_to_choose_again(self):
        return [str(self.fields["photos"].label)] if self.errors and self.files else []


class MessageForm(TidyTextMixin, forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(TidyTextMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OfferForm(MessageForm):
    amount = forms.IntegerField(label=gettext_lazy("Amount to refund (Rp)"), min_value=1)


class ReturnForm(TidyTextMixin, forms.Form):
    courier = forms.CharField(label=gettext_lazy("Courier"), max_length=60)
    tracking_number = forms.CharField(label=gettext_lazy("Return receipt number"), max_length=60)


class DecisionForm(TidyTextMixin, forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"), choices=Decision.CHOICES, widget=forms.RadioSelect
    )
    amount = forms.IntegerField(
        label=gettext_lazy("Amount to refund (Rp)"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Only for a partial refund."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The buyer and the shop read this."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Decision.REFUND_PART and not cleaned.get("amount"):
            self.add_error("amount", _("Enter the amount to refund."))
        return cleaned


# --- Payouts ---------------------------------------------------------------------------------

FORM_KEY = re.compile(r"^[0-9a-f]{32}$")


class PayoutForm(forms.Form):
    """A shop owner's payout request. `key` is made when the form is shown, so a double click or
    a resent form requests one payout."""

    amount = forms.IntegerField(
        label=gettext_lazy("Amount (Rp)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
        error_messages={
            "invalid": gettext_lazy("Enter whole rupiah, digits only (e.g. 150000)."),
            "min_value": gettext_lazy("Enter an amount above zero."),
            "required": gettext_lazy("Enter the amount to withdraw."),
        },
    )
    bank_account = forms.ModelChoiceField(
        label=gettext_lazy("To the bank account"),
        queryset=None,
        empty_label=None,
        error_messages={
            "required": gettext_lazy("Choose a verified bank account."),
            "invalid_choice": gettext_lazy("Choose one of the shop's verified bank accounts."),
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
            raise forms.ValidationError(gettext_lazy("This form is out of date: please fill it in again."))
        return key

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount < settings.PAYOUT_MINIMUM:
            raise forms.ValidationError(
                gettext_lazy("The minimum payout is %(minimum)s.")
                % {"minimum": format_rupiah(settings.PAYOUT_MINIMUM)}
            )
        if amount <= settings.PAYOUT_FEE:
            raise forms.ValidationError(gettext_lazy("The payout must be more than its fee."))
        if amount > self.available:
            raise forms.ValidationError(
                gettext_lazy("The payout cannot be more than the available balance (%(balance)s).")
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
