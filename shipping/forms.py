from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.models import Shop


class TariffImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
    shop = forms.ModelChoiceField(
        label=_("Shop"),
        queryset=Shop.objects.order_by("name"),
        required=False,
        help_text=_("Leave empty to import tariffs for every shop of the deployment."),
    )
