"""The reports app reads other apps' tables; it owns no data, only the permissions for its pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DinasDesk(models.Model):
    """No table: a place to hang the permissions of the dinas pages (reports, exports, onboarding)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("dinas desk")
        permissions = [
            ("view_reports", _("Can see the dinas reports and export them")),
            ("onboard_shops", _("Can open a shop on a seller's behalf")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)
