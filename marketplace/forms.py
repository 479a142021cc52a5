"""The buyer's own details, asked once at sign-up."""

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.phones import normalize_mobile_number


class SignupForm(forms.Form):
    """Extra sign-up fields for allauth: a name sellers and reviews can show, and a WhatsApp number."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        help_text=_("Sellers see it on your orders; reviews show it."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    whatsapp = forms.CharField(
        label=_("WhatsApp number (optional)"),
        max_length=20,
        required=False,
        help_text=_("So a seller can reach you about an order, for example 0812 3456 7890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    field_order = ["full_name", "email", "whatsapp", "password1", "password2"]

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_whatsapp(self):
        raw = self.cleaned_data.get("whatsapp", "").strip()
        return normalize_mobile_number(raw) if raw else ""

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.whatsapp = self.cleaned_data.get("whatsapp", "")
        user.language = translation.get_language() or user.language
        user.save(update_fields=["full_name", "whatsapp", "language"])
