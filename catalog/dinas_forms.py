from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import ProductReport
from marketplace.text import TidyTextMixin


class ProductReportForm(TidyTextMixin, forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=ProductReport.Reason.choices)
    text = forms.CharField(
        label=_("Details"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealForm(TidyTextMixin, forms.Form):
    text = forms.CharField(
        label=_("Why should the product be shown again?"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExpoApplicationForm(TidyTextMixin, forms.Form):
    note = forms.CharField(
        label=_("A note for the dinas (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
