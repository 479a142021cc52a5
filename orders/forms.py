"""Forms of the buyer's and the shop's order pages: they check input; services do the writes."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.images import without_metadata
from marketplace.money import format_rupiah
from marketplace.phones import normalize_mobile_number
from marketplace.text import TidyTextMixin
from orders.models import PaymentMethod
from orders.selectors import payment_methods
from shipping.couriers import Courier, courier_code
from shipping.receipts import ReceiptNumberError, normalise_receipt_number
from vendors.forms import AddressForm as RegionAddressForm

PROOF_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf"


class AddressForm(RegionAddressForm):
    """The buyer's address: the shop onboarding's chained region lists plus who receives it."""

    recipient = forms.CharField(label=gettext_lazy("Recipient"), max_length=100)
    phone = forms.CharField(
        label=gettext_lazy("Phone number"),
        max_length=30,
        help_text=gettext_lazy("For the courier, for example 0812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    is_default = forms.BooleanField(label=gettext_lazy("Use as my default address"), required=False)
    field_order = ["recipient", "phone", "street_address", "province", "regency", "district", "postal_code"]

    def clean_phone(self):
        return normalize_mobile_number(self.cleaned_data["phone"])

    @classmethod
    def initial_for_address(cls, address):
        district = address.district
        return {
            "recipient": address.recipient,
            "phone": address.phone,
            "street_address": address.street_address,
            "postal_code": address.postal_code,
            "district": district.pk,
            "regency": district.regency_id,
            "province": district.regency.province_id,
            "is_default": address.is_default,
        }

    def address_fields(self):
        data = self.cleaned_data
        names = ("recipient", "phone", "street_address", "district", "postal_code", "is_default")
        return {name: data[name] for name in names}


class CheckoutForm(TidyTextMixin, forms.Form):
    """One form for the whole cart: the address, and shipping and payment for each shop.

    Each shop's first available shipping option is chosen to start with, so the page can show a
    grand total with shipping before the buyer touches anything. Options listed as unavailable
    (no rate to this address, a parcel couriers refuse) are shown but are not valid choices.
    """

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    # Among the buyer's addresses the view has read (one of them is the page's), not read again.
    address = forms.ChoiceField(
        label=gettext_lazy("Send to"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose one of your own addresses.")},
    )
    # The grand total the page showed, compared (never used) when the order is placed.
    seen_total = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, addresses, groups, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.addresses = {str(address.pk): address for address in addresses}
        self.fields["address"].choices = [(pk, str(address)) for pk, address in self.addresses.items()]
        self.groups = groups
        for group in groups:
            shop = group.shop
            offered = [option for option in options.get(shop.pk, []) if option.available]
            self.fields[f"shipping_{shop.pk}"] = forms.ChoiceField(
                label=_("Shipping"),
                widget=forms.RadioSelect,
                choices=[(o.key, f"{o.label} · {format_rupiah(o.fee)}") for o in offered],
                initial=offered[0].key if offered else None,
                error_messages={
                    "invalid_choice": _("Choose one of this shop's shipping options."),
                    "required": _("Choose one of this shop's shipping options."),
                },
            )
            methods = payment_methods(shop)
            self.fields[f"payment_{shop.pk}"] = forms.ChoiceField(
                label=_("Payment"),
                widget=forms.RadioSelect,
                choices=[(m, PaymentMethod(m).label) for m in methods],
                initial=methods[0],
                error_messages={"invalid_choice": _("This shop does not accept this payment method.")},
            )
            self.fields[f"note_{shop.pk}"] = forms.CharField(
                label=_("Note to the shop (optional)"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"placeholder": _("e.g. not too spicy, please")}),
            )

    def clean_address(self):
        return self.addresses[self.cleaned_data["address"]]

    def shop_fields(self):
        """(group, shipping field, payment field) for the template."""
        return [
            (g, self[f"shipping_{g.shop.pk}"], self[f"payment_{g.shop.pk}"], self[f"note_{g.shop.pk}"])
            for g in self.groups
        ]

    def shipping_methods(self) -> dict:
        """shop id -> the shipping option chosen on the page (posted, or the first offered)."""
        return {g.shop.pk: self[f"shipping_{g.shop.pk}"].value() for g in self.groups}

    def choices(self):
        from orders.services import ShopChoice

        data = self.cleaned_data
        return {
            g.shop.pk: ShopChoice(
                shipping=data[f"shipping_{g.shop.pk}"],
                payment=data[f"payment_{g.shop.pk}"],
                note=data[f"note_{g.shop.pk}"],
            )
            for g in self.groups
        }


def clean_proof(upload):
    """(the file to store, its content type): a PDF as sent, a photo re-encoded without metadata.

    The type comes from the bytes, never from the file name or the browser's word. A photo
    of a receipt taken on a phone carries the buyer's GPS position: it is never stored.
    """
    max_bytes = settings.PAYMENT_PROOF_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        upload.seek(max(0, upload.size - 1024))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(_("The PDF is damaged or incomplete."), code="corrupt_pdf")
        return upload, "application/pdf"
    try:
        photo = without_metadata(upload, max_bytes=max_bytes, max_pixels=settings.PRODUCT_IMAGE_MAX_PIXELS)
    except ValidationError as error:
        if error.code in ("corrupt", "empty", "too_many_pixels"):
            raise
        raise ValidationError(
            _("Upload a photo (JPEG, PNG or WebP) or a PDF of the transfer receipt."), code="not_proof"
        ) from None
    return photo, photo.content_type


class ProofForm(forms.Form):
    proof = forms.FileField(
        label=gettext_lazy("Proof of transfer"),
        help_text=gettext_lazy("A photo or screenshot of the receipt, or a PDF, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": PROOF_ACCEPT}),
    )

    def clean_proof(self):
        upload, self.content_type = clean_proof(self.cleaned_data["proof"])
        return upload


class ReasonForm(TidyTextMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("The buyer reads this."),
    )


OTHER_COURIER = "other"


class CourierChoiceField(forms.ChoiceField):
    """A courier code; the names people type ("JNE", "J&T") are read as their codes."""

    def to_python(self, value):
        value = super().to_python(value)
        return courier_code(value) or value


class ShipForm(TidyTextMixin, forms.Form):
    """The courier and the receipt number, stored as the courier prints it (shipping.receipts)."""

    courier = CourierChoiceField(
        label=gettext_lazy("Courier"),
        required=False,
        choices=[("", "—"), *Courier.choices, (OTHER_COURIER, gettext_lazy("Another courier"))],
    )
    other_courier = forms.CharField(label=gettext_lazy("Other courier's name"), max_length=60, required=False)
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("The receipt number (nomor resi) printed by the courier."),
    )

    def clean(self):
        cleaned = super().clean()
        courier = cleaned.get("courier") or ""
        if courier == OTHER_COURIER:
            courier = cleaned.get("other_courier", "")
            if not courier:
                self.add_error("other_courier", _("Write the courier's name."))
        cleaned["courier"] = courier
        number = cleaned.get("tracking_number")
        if number:
            try:
                cleaned["tracking_number"] = normalise_receipt_number(number, courier=courier)
            except ReceiptNumberError as error:
                self.add_error("tracking_number", error.message)
        return cleaned


class ReviewForm(TidyTextMixin, forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Stars"),
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=gettext_lazy("Your review"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
