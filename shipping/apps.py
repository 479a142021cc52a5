from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self):
        from catalog import weights
        from shipping.selectors import weight_required

        # The catalogue asks whether a product needs a weight; shipping knows (couriers, defaults).
        weights.set_weight_rule(weight_required)
