from datetime import date, datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import MAX_PRICE, Category
from marketplace.models import District, Province, Regency
from marketplace.phones import normalize_mobile_number
from marketplace.text import TidyTextMixin
from reports.reconciliation import LAYOUTS
from reports.selectors import ReportFilters, default_filters
from vendors.forms import PhotoField, clean_account_number
from vendors.models import Community


class MonthField(forms.DateField):
    """A month as browsers send it from <input type="month">: 2026-03."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]


def last_day_of(month: date) -> date:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


class ReportFilterForm(forms.Form):
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=Province.objects.none(), required=False, to_field_name="code"
    )
    regency = forms.ModelChoiceField(
        label=_("Regency or city"), queryset=Regency.objects.none(), required=False, to_field_name="code"
    )
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only places where shops are: lists of all 38 provinces and 514 regencies would be useless.
        self.fields["province"].queryset = Province.objects.filter(
            regencies__districts__shops__isnull=False
        ).distinct()
        self.fields["regency"].queryset = (
            Regency.objects.filter(districts__shops__isnull=False).distinct().select_related("province")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError(_("The first month must come before the last one."))
        return cleaned

    def filters(self) -> ReportFilters:
        """The chosen filters; the last twelve months when no period (or a wrong one) was chosen."""
        default = default_filters()
        data = self.cleaned_data if self.is_valid() else {}
        start, end = data.get("start"), data.get("end")
        province, regency = data.get("province"), data.get("regency")
        return ReportFilters(
            start=date(start.year, start.month, 1) if start else default.start,
            end=min(last_day_of(end), default.end) if end else default.end,
            province=province.code if province else "",
            regency=regency.code if regency else "",
            community=data.get("community"),
        )


class HistoryFilterForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Staff member"), queryset=None, required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = get_user_model().objects.filter(is_staff=True).order_by("email")
        self.fields["actor"].label_from_instance = lambda user: user.email

    def criteria(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        day = lambda d: timezone.make_aware(datetime.combine(d, time.min))  # noqa: E731
        return {
            "actor": data["actor"],
            "since": day(data["since"]) if data["since"] else None,
            "until": day(data["until"] + timedelta(days=1)) if data["until"] else None,
        }


OWNER_FIELDS = ("owner_name", "owner_email", "whatsapp")


class OnboardingForm(TidyTextMixin, forms.Form):
    """What staff or a community manager fill in with the seller at their side."""

    owner_name = forms.CharField(label=_("Owner's name"), max_length=150)
    owner_email = forms.EmailField(
        label=_("Owner's e-mail address"), help_text=_("The link to take over goes here.")
    )
    whatsapp = forms.CharField(
        label=_("WhatsApp number"), max_length=30, help_text=_("For example 0812 3456 7890.")
    )
    name = forms.CharField(label=_("Shop name"), max_length=80)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    street_address = forms.CharField(label=_("Street address"), max_length=255)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        to_field_name="code",
        widget=forms.TextInput(attrs={"list": "district-options", "autocomplete": "off"}),
        help_text=_("Type the district's name or code (e.g. 32.14.01) and pick it from the list."),
    )
    postal_code = forms.RegexField(label=_("Postal code"), regex=r"^\d{5}$", required=False)
    nib = forms.RegexField(label=_("NIB (optional)"), regex=r"^\d{13}$", required=False)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.all(), required=False)
    # Optional here: with both, the shop goes to the verification queue at once; without, the
    # owner adds them after taking over (submitting needs them).
    identity_document = PhotoField(
        label=_("Photo of the owner's identity card (KTP)"),
        max_bytes=10 * 1024 * 1024,
        max_pixels=40_000_000,
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    bank = forms.CharField(label=_("Bank"), max_length=60, required=False)
    account_number = forms.CharField(label=_("Account number"), max_length=30, required=False)
    holder_name = forms.CharField(label=_("Account holder"), max_length=100, required=False)

    def __init__(self, *args, with_community=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_community:
            del self.fields["community"]

    def clean_whatsapp(self):
        return normalize_mobile_number(self.cleaned_data["whatsapp"])

    def clean_account_number(self):
        number = self.cleaned_data["account_number"]
        return clean_account_number(number) if number else ""

    def clean(self):
        cleaned = super().clean()
        bank_fields = [cleaned.get(name) for name in ("bank", "account_number", "holder_name")]
        if any(bank_fields) and not all(bank_fields):
            raise ValidationError(_("Fill in the bank, the account number and the holder, or none of them."))
        return cleaned

    def owner_fields(self):
        return [self[name] for name in OWNER_FIELDS]

    def shop_fields(self):
        return [field for field in self if field.name not in OWNER_FIELDS]

    def district_options(self):
        """Districts of the deploying region and of the regencies where the marketplace already works."""
        regencies = Regency.objects.filter(
            Q(name=settings.SITE_REGION) | Q(districts__shops__isnull=False) | Q(community__isnull=False)
        )
        return District.objects.filter(regency__in=regencies.values("code")).select_related("regency")


class FirstProductForm(TidyTextMixin, forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=120)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    price = forms.IntegerField(label=_("Price (Rp)"), min_value=1, max_value=MAX_PRICE)
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)
    description = forms.CharField(label=_("Description"), required=False, max_length=5000)


ProductFormSet = forms.formset_factory(FirstProductForm, extra=3, max_num=3)


def previous_month(today=None) -> tuple[date, date]:
    today = today or timezone.localdate()
    end = date(today.year, today.month, 1) - timedelta(days=1)
    return date(end.year, end.month, 1), end


class ReconciliationForm(forms.Form):
    layout = forms.ChoiceField(label=_("Layout of the file"))
    start = forms.DateField(label=_("Paid from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Paid until"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("Settlement export (CSV)"),
        help_text=_("The provider's export of the same days; at most 5 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [(name, layout.label) for name, layout in LAYOUTS.items()]
        start, end = previous_month()
        provider = settings.PAYMENT_PROVIDER
        self.initial = {"layout": provider if provider in LAYOUTS else "generic", "start": start, "end": end}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise ValidationError(_("The first day must come before the last one."))
        if start and end and (end - start).days > 366:
            raise ValidationError(_("Compare at most one year at a time."))
        return cleaned
