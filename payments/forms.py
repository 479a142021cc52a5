"""Forms of the complaint pages: they check input; `payments.complaints` does the writes."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.images import without_metadata
from marketplace.text import TidyTextMixin
from payments.complaints import Decision
from payments.models import ComplaintReason, ComplaintRequest

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
