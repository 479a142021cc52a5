"""Forms of the vendor dashboard: they check and tidy what sellers type; services do the writes."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from marketplace.images import without_metadata
from marketplace.models import District, Province, Regency
from marketplace.phones import normalize_mobile_number
from marketplace.text import TidyTextMixin
from vendors.models import MAX_SHIPPING_FEE, Shop, ShopCategory

MB = 1024 * 1024
IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


class PhotoField(forms.FileField):
    """A photo checked by its content (type, bytes, pixels) before anything is stored."""

    def __init__(self, *, max_bytes, max_pixels, **kwargs):
        self.max_bytes, self.max_pixels = max_bytes, max_pixels
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(value, UploadedFile):
            # Re-encoded: a logo, banner or KTP photo keeps no GPS position, camera or ICC text.
            value = without_metadata(value, max_bytes=self.max_bytes, max_pixels=self.max_pixels)
        return value


class MetadataFreePhotosAdmin:
    """For admin classes: photo fields in staff forms are checked and re-encoded like the dashboard's."""

    photo_fields = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.photo_fields:
            return PhotoField(
                label=db_field.verbose_name.capitalize(),
                required=not db_field.blank,
                max_bytes=5 * MB,
                max_pixels=25_000_000,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PlainLabels:
    """Labels without a trailing colon: they sit above their fields on a phone."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ChosenFilesMixin:
    """Browsers drop chosen files when a form comes back with errors: say which to choose again."""

    @property
    def files_to_choose_again(self):
        if not (self.is_bound and self.errors):
            return []
        return [self.fields[name].label for name in self.files if name in self.fields]


class ShopProfileForm(TidyTextMixin, PlainLabels, ChosenFilesMixin, forms.ModelForm):
    """What buyers read about the shop: step 1 of onboarding and the settings page."""

    whatsapp = forms.CharField(
        label=_("WhatsApp number"),
        max_length=30,
        help_text=_("The number buyers chat with, for example 0812 3456 7890."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    instagram = forms.CharField(
        label=_("Instagram"),
        required=False,
        max_length=200,
        help_text=_("Your account name, e.g. @warungbusri"),
    )
    facebook = forms.CharField(
        label=_("Facebook"), required=False, max_length=200, help_text=_("Your page name or its address")
    )
    categories = forms.ModelMultipleChoiceField(
        ShopCategory.objects.all(),
        label=_("What the shop sells"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    logo = PhotoField(
        label=_("Logo"),
        required=False,
        max_bytes=5 * MB,
        max_pixels=25_000_000,
        help_text=_("A square JPEG, PNG or WebP photo, at most 5 MB."),
    )
    banner = PhotoField(
        label=_("Banner"),
        required=False,
        max_bytes=5 * MB,
        max_pixels=25_000_000,
        help_text=_("A wide photo of the shop or its products, at most 5 MB."),
    )

    class Meta:
        model = Shop
        fields = [
            "name",
            "description",
            "whatsapp",
            "instagram",
            "facebook",
            "categories",
            "opening_hours",
            "logo",
            "banner",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "opening_hours": forms.TextInput(attrs={"placeholder": _("e.g. Mon–Sat 08.00–17.00")}),
        }
        help_texts = {"description": _("Tell buyers your story and what makes your products special.")}

    def clean_whatsapp(self):
        return normalize_mobile_number(self.cleaned_data["whatsapp"])

    def clean_instagram(self):
        return social_handle(
            self.cleaned_data["instagram"], pattern=r"[A-Za-z0-9._]{1,30}", site="instagram.com"
        )

    def clean_facebook(self):
        return social_handle(
            self.cleaned_data["facebook"], pattern=r"[A-Za-z0-9.\-]{1,80}", site="facebook.com"
        )

    def changes(self):
        """The cleaned values for the service: unchanged files left out, cleared ones emptied."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        for name in ("logo", "banner"):
            if data[name] is False:
                data[name] = ""
            elif not isinstance(data[name], UploadedFile):
                del data[name]
        return data


class OnboardingProfileForm(ShopProfileForm):
    """Step 1 of onboarding: the profile and, while the shop is not yet public, its address."""

    slug = forms.CharField(
        label=_("Shop address"),
        required=False,
        max_length=70,
        help_text=_("Letters, digits and dashes; leave empty to make one from the shop name."),
    )
    field_order = ["name", "slug"]

    def changes(self):
        return {**super().changes(), "slug": self.cleaned_data["slug"]}


def social_handle(raw, *, pattern, site):
    """Accept '@name', 'name' or a pasted profile address; keep only the name."""
    text = raw.strip()
    if not text:
        return ""
    if site in text:
        text = re.sub(r"^(https?://)?(www\.|m\.)?" + re.escape(site) + "/", "", text)
    text = text.strip("/").lstrip("@").split("?")[0]
    if not re.fullmatch(pattern, text):
        raise ValidationError(_("Enter the account name only, for example warungbusri."), code="handle")
    return text


class AddressForm(TidyTextMixin, PlainLabels, forms.Form):
    """Province → regency → district, each list filled from the choice above it.

    Without JavaScript the "choose" buttons send the form back to fill the next list;
    with it, a few lines fetch the options. Either way the server checks the chain.
    """

    street_address = forms.CharField(
        label=_("Street address"),
        max_length=255,
        help_text=_("Street, house number, RT/RW, village."),
    )
    province = forms.ModelChoiceField(Province.objects.all(), label=_("Province"), empty_label=_("Choose…"))
    regency = forms.ModelChoiceField(
        Regency.objects.none(), label=_("Regency or city"), empty_label=_("Choose…")
    )
    district = forms.ModelChoiceField(District.objects.none(), label=_("District"), empty_label=_("Choose…"))
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": _("A postal code has 5 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        values = self.data if self.is_bound else self.initial
        province = str(values.get("province") or "")
        regency = str(values.get("regency") or "")
        if province:
            self.fields["regency"].queryset = Regency.objects.filter(province_id=province)
        if regency.startswith(province + ".") and province:
            self.fields["district"].queryset = District.objects.filter(regency_id=regency)

    @classmethod
    def initial_for(cls, shop):
        district = shop.district
        return {
            "street_address": shop.street_address,
            "postal_code": shop.postal_code,
            "district": district.pk if district else "",
            "regency": district.regency_id if district else "",
            "province": district.regency.province_id if district else "",
        }


class LegalForm(TidyTextMixin, PlainLabels, ChosenFilesMixin, forms.Form):
    nib = forms.RegexField(
        label=_("Business registration number (NIB)"),
        regex=r"^\d{13}$",
        required=False,
        help_text=_("Optional: the 13 digits from OSS. Leave empty if you do not have one yet."),
        error_messages={"invalid": _("An NIB has exactly 13 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 13}),
    )
    identity_document = PhotoField(
        label=_("Photo of the owner's identity card (KTP)"),
        max_bytes=10 * MB,
        max_pixels=40_000_000,
        help_text=_(
            "Only you and the dinas staff who verify shops can see it. JPEG, PNG or WebP, at most 10 MB."
        ),
        widget=forms.FileInput(attrs={"accept": IMAGE_ACCEPT}),
    )
    bank = forms.CharField(label=_("Bank"), max_length=60, help_text=_("e.g. BRI, BNI, Mandiri, BJB"))
    account_number = forms.CharField(
        label=_("Account number"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=100)

    def __init__(self, *args, has_identity_document=False, **kwargs):
        super().__init__(*args, **kwargs)
        # A photo already on file is kept unless a new one is chosen.
        self.fields["identity_document"].required = not has_identity_document

    def clean_account_number(self):
        return clean_account_number(self.cleaned_data["account_number"])


def clean_account_number(raw):
    """Digits only; the spaces and dashes people copy from a bank book are dropped."""
    number = re.sub(r"[\s.-]", "", raw)
    if not number.isdigit() or not 5 <= len(number) <= 20:
        raise ValidationError(
            _("An account number has 5 to 20 digits and nothing else."), code="account_number"
        )
    return number


class BankAccountForm(TidyTextMixin, PlainLabels, forms.Form):
    bank = forms.CharField(label=_("Bank"), max_length=60)
    account_number = forms.CharField(
        label=_("Account number"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    holder_name = forms.CharField(label=_("Account holder"), max_length=100)

    def clean_account_number(self):
        return clean_account_number(self.cleaned_data["account_number"])


def fee_field(label, *, required=True, help_text=""):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_SHIPPING_FEE,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 500}),
        error_messages={
            "min_value": _("A fee cannot be negative."),
            "max_value": _("A fee above Rp5.000.000 looks like a typing mistake."),
            "invalid": _("Enter whole rupiah, digits only (e.g. 15000)."),
        },
    )


class ShippingForm(PlainLabels, forms.Form):
    pickup_enabled = forms.BooleanField(label=_("Buyers may pick up at the shop"), required=False)
    cod_enabled = forms.BooleanField(label=_("Accept cash on delivery (COD)"), required=False)


class InvitationForm(PlainLabels, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the staff member"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
