import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import inlineformset_factory
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from catalog.models import MAX_IMAGES_PER_PRODUCT, MAX_PRICE, Category, Product, ProductVariant
from catalog.selectors import SORTS, Filters
from catalog.transitions import vendor_targets
from catalog.weights import WEIGHT_NEEDED, SizeField, WeightField, sizes_problem
from marketplace.text import TidyTextMixin

PRICE_ERRORS = {
    "min_value": _("The price must be at least Rp1."),
    "max_value": _("The price can be at most Rp1.000.000.000.000."),
    "invalid": _("Enter the price as a whole number of rupiah, for example 15000."),
}
STOCK_ERRORS = {
    "min_value": _("Stock cannot be negative."),
    "invalid": _("Enter the stock as a whole number, for example 10."),
}


THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


class RupiahField(forms.IntegerField):
    """Whole rupiah; accepts what people type: 15000, 15.000, Rp15.000, Rp 15.000."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_PRICE)
        kwargs.setdefault("error_messages", PRICE_ERRORS)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})
        self.widget.input_type = "text"

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("Rp").removeprefix("rp").strip()
            # Dots group thousands (15.000); anything else with a dot or comma has cents.
            if THOUSANDS.fullmatch(value):
                value = value.replace(".", "")
            elif "." in value or "," in value:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class StockField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2_000_000_000)
        kwargs.setdefault("error_messages", STOCK_ERRORS)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric"})


def clean_text(value, *, required_message):
    value = (value or "").strip()
    if not value:
        raise ValidationError(required_message, code="blank")
    return value


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"{category.parent.name} › {category.name}" if category.parent_id else category.name


class ProductForm(TidyTextMixin, forms.ModelForm):
    """The product's own fields; price and stock are on its variants (VariantFormSet)."""

    category = CategoryChoiceField(
        label=_("Category"),
        queryset=Category.objects.select_related("parent").order_by("parent__position", "position", "name"),
    )
    weight_grams = WeightField(label=_("Weight (grams)"), help_text=_("The packed weight of one item."))
    length_cm = SizeField(label=_("Packed length (cm)"))
    width_cm = SizeField(label=_("Packed width (cm)"))
    height_cm = SizeField(label=_("Packed height (cm)"))

    class Meta:
        model = Product
        fields = [
            "name", "category", "description", "sku", "weight_grams", "length_cm", "width_cm", "height_cm",
            "min_order_quantity", "condition", "halal_certificate", "pirt_number", "status",
        ]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, weight_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        # True when the shop ships by courier without a default weight (catalog.weights).
        self.weight_required = weight_required
        self.fields["name"].error_messages["required"] = _("Write the product name.")
        # The choices are the moves the status table allows a shop member now.
        self.fields["status"].choices = [(s, Product.Status(s).label) for s in vendor_targets(self.instance)]

    def clean_name(self):
        return clean_text(self.cleaned_data.get("name"), required_message=_("Write the product name."))

    def clean_weight_grams(self):
        return self.cleaned_data.get("weight_grams") or 0  # 0: no weight of its own

    def clean(self):
        cleaned = super().clean()
        sizes = [cleaned.get(name) for name in ("length_cm", "width_cm", "height_cm")]
        if problem := sizes_problem(*sizes):
            self.add_error("length_cm", problem)
        return cleaned

    def check_weight(self, variant_weights=()):
        """Once the variants are read: each needs a weight, its own or the product's, if the shop requires it."""
        if not self.weight_required or self.cleaned_data.get("weight_grams"):
            return True
        variant_weights = list(variant_weights)
        if variant_weights and all(variant_weights):
            return True
        self.add_error("weight_grams", WEIGHT_NEEDED)
        return False


class VariantForm(TidyTextMixin, forms.ModelForm):
    """Price and stock of one variant, with the stock the page showed (see catalog.stock.adjust)."""

    price = RupiahField(label=_("Price (Rp)"))
    stock = StockField(label=_("Stock"))
    weight_grams = WeightField(
        label=_("Weight (grams)"), help_text=_("Leave empty to use the product's weight.")
    )
    stock_shown = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = ProductVariant
        fields = ["name", "price", "stock", "sku", "weight_grams"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if self.instance.pk:
            self.fields["stock_shown"].initial = self.instance.stock

    def clean_name(self):
        return (self.cleaned_data.get("name") or "").strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("stock_shown") is None:
            # A post without the number shown (a page older than this field) compares with
            # the stock read for this request: the narrowest window we can offer it.
            cleaned["stock_shown"] = self.instance.stock if self.instance.pk else 0
        return cleaned

    def show_current_stock(self, current):
        """After a refused save: keep what the vendor typed, show the stock as it is now."""
        self.data = self.data.copy()
        self.data[self.add_prefix("stock_shown")] = str(current)
        self.add_error("stock", _("Stock changed to %(n)s since you opened this page.") % {"n": current})


class BaseVariantFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
        ]
        if not kept:
            raise ValidationError(
                _("Give the product a price and stock (or at least one variant)."), code="no_variant"
            )
        if len(kept) > 1:
            for form in kept:
                if not form.cleaned_data.get("name"):
                    form.add_error("name", _("Write the variant name."))

    def kept_weights(self):
        """The own weight (or None) of every variant the product keeps after this save."""
        return [
            form.cleaned_data.get("weight_grams") if form.cleaned_data else form.instance.weight_grams
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]

    def show_current_stock(self, changes):
        """changes: variant id -> the stock now; marks each refused row for the vendor."""
        for form in self.forms:
            if form.instance.pk in changes:
                form.show_current_stock(changes[form.instance.pk])


VariantFormSet = inlineformset_factory(
    Product,
    ProductVariant,
    form=VariantForm,
    formset=BaseVariantFormSet,
    extra=1,
    min_num=0,
    max_num=30,
    validate_max=True,
    can_delete=True,
)


class ImageUploadForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo"),
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class ProductSearchForm(forms.Form):
    """The vendor's own product list: search and status filter."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(Product.Status.choices)
    )


class CsvImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("Use the template; save it as CSV UTF-8."))


SORT_CHOICES = [
    ("", _("Relevance / newest")),
    ("newest", _("Newest")),
    ("price_asc", _("Price: low to high")),
    ("price_desc", _("Price: high to low")),
    ("best_selling", _("Best selling")),
]
assert {value for value, _label in SORT_CHOICES if value} == set(SORTS)


class QuickSelect(forms.Select):
    """A <select> of flat choices written without a template per option, as Django's
    select.html writes it: the province list alone is 39 option templates on every listing."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (option["value"], html_attributes(option["attrs"]), option["label"])
                for _name, group, _index in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>', widget["name"], html_attributes(widget["attrs"]), options
        )


def html_attributes(attrs):
    """Attributes as Django's attrs.html writes them: in order, True as a bare name, False left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class ListingFilterForm(forms.Form):
    """Filters in the query string, so a filtered listing can be shared on WhatsApp."""

    min_price = forms.IntegerField(
        label=_("Lowest price"), required=False, min_value=0, validators=[MaxValueValidator(MAX_PRICE)]
    )
    max_price = forms.IntegerField(
        label=_("Highest price"), required=False, min_value=0, validators=[MinValueValidator(0)]
    )
    province = forms.ChoiceField(label=_("Province"), required=False, widget=QuickSelect)
    regency = forms.ChoiceField(label=_("Regency or city"), required=False, widget=QuickSelect)
    community = forms.ChoiceField(label=_("Community"), required=False, widget=QuickSelect)
    halal = forms.BooleanField(label=_("Halal certified only"), required=False)
    in_stock = forms.BooleanField(label=_("In stock"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES, widget=QuickSelect)

    def __init__(self, data, *, choices):
        regencies = {code for code, _name in choices["regencies"]}
        if data is not None and data.get("regency") and data.get("regency") not in regencies:
            # A regency left over from another province (the province was changed): dropped, so
            # the listing shows the new province rather than nothing.
            data = data.copy()
            data.pop("regency")
        super().__init__(data)
        everywhere = [("", _("Anywhere"))]
        self.fields["province"].choices = everywhere + choices["provinces"]
        self.fields["regency"].choices = everywhere + choices["regencies"]
        self.fields["community"].choices = [("", _("Any community"))] + choices["communities"]

    def filters(self) -> Filters:
        """The valid filters; an invalid one is ignored rather than failing the whole page."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return Filters(**data)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once; each is checked by content before anything is saved."""

    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        from django.conf import settings

        from marketplace.images import validate_image

        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_IMAGES_PER_PRODUCT:
            raise ValidationError(
                _("Choose at most %(max)s photos.") % {"max": MAX_IMAGES_PER_PRODUCT}, code="too_many_images"
            )
        errors, photos = [], []
        for upload in files:
            try:
                validate_image(
                    upload,
                    max_bytes=settings.PRODUCT_IMAGE_MAX_BYTES,
                    max_pixels=settings.PRODUCT_IMAGE_MAX_PIXELS,
                )
                photos.append(upload)
            except ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return photos


class PhotosForm(forms.Form):
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_(
            "Up to 8 photos: JPEG, PNG or WebP, at most 10 MB each. The first one is the main photo."
        ),
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True}),
    )
