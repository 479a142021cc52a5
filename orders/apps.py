from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from orders.services import merge_cart_at_login

        # A framework event, not our own flow: the guest's cart joins the user's at log-in.
        user_logged_in.connect(merge_cart_at_login, dispatch_uid="orders.merge_cart_at_login")
