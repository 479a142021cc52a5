from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.models import District, Regency
from shipping.couriers import Courier, CourierService
from shipping.models import MAX_TARIFF_PRICE, OwnDeliveryArea
from vendors.models import Shop


class TariffImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    shop = forms.ModelChoiceField(
        label=_("Shop"),
        queryset=Shop.objects.order_by("name"),
        required=False,
        help_text=_("Leave empty to import tariffs for every shop of the deployment."),
    )


def courier_service_groups():
    """Services grouped under their courier, as the checkboxes show them."""
    groups = {}
    for service in CourierService:
        groups.setdefault(Courier(service.courier).label, []).append((service.value, service.label))
    return list(groups.items())


class CourierServicesForm(forms.Form):
    services = forms.MultipleChoiceField(
        label=_("Courier services you offer"),
        choices=courier_service_groups,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Buyers see only the services ticked here. Leave all empty to ship by courier nowhere."),
    )


class DefaultWeightForm(forms.Form):
    default_weight_grams = forms.IntegerField(
        label=_("Default weight per item (grams)"),
        required=False,
        min_value=1,
        max_value=50_000,
        help_text=_("Used for products without a weight of their own. Leave empty to have none."),
        error_messages={
            "min_value": _("A weight is at least 1 gram."),
            "max_value": _("A parcel item weighs at most 50,000 grams (50 kg)."),
            "invalid": _("Type the weight in whole grams, for example 250."),
        },
    )


class OwnDeliveryAreaForm(forms.Form):
    region = forms.CharField(
        label=_("Regency, city or district"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "region-suggestions", "autocomplete": "off"}),
        help_text=_("Its code (32.14 for a regency, 32.14.01 for a district) or its exact name."),
    )
    fee = forms.IntegerField(
        label=_("Delivery fee (Rp)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        max_value=MAX_TARIFF_PRICE,
        error_messages={
            "min_value": _("The fee is at least Rp1. For free delivery, offer pick-up instead."),
            "max_value": _("The fee is at most Rp10.000.000."),
            "invalid": _("Type the fee in whole rupiah, for example 10000."),
        },
    )

    def __init__(self, *args, shop, **kwargs):
        self.shop = shop
        super().__init__(*args, **kwargs)

    def clean_region(self):
        text = self.cleaned_data["region"].strip()
        found = find_region(text)
        if found is None:
            raise forms.ValidationError(
                _("“%(text)s” is not a regency, city or district we know. Pick one from the list."),
                params={"text": text},
                code="unknown_region",
            )
        return found

    def clean(self):
        cleaned = super().clean()
        region = cleaned.get("region")
        if region is None:
            return cleaned
        kind = "district" if isinstance(region, District) else "regency"
        if OwnDeliveryArea.objects.filter(shop=self.shop, **{kind: region}).exists():
            self.add_error("region", self.duplicate_message(region))
        cleaned["area"] = {kind: region}
        return cleaned

    def duplicate_message(self, region):
        return _("You already deliver to %(area)s; remove it first to change its fee.") % {
            "area": region.name
        }


def find_region(text: str):
    """A District or Regency by code, else by an exact name that only one of them has."""
    district = District.objects.select_related("regency").filter(code=text).first()
    if district is not None:
        return district
    regency = Regency.objects.filter(code=text).first()
    if regency is not None:
        return regency
    regencies = list(Regency.objects.filter(name__iexact=text)[:2])
    districts = list(District.objects.select_related("regency").filter(name__iexact=text)[:2])
    matches = regencies + districts
    return matches[0] if len(matches) == 1 else None


class ShopTariffImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
