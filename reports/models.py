"""The reports app reads other apps' tables; it owns only the permissions for its pages and the
record of each reconciliation run (who compared which settlement file, and what was found)."""

from django.conf import settings
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
            ("view_money", _("Can see the money report and reconcile the provider's settlements")),
        ]

    def __str__(self):
        return str(self._meta.verbose_name)


class ReconciliationRun(models.Model):
    """One comparison of a provider's settlement file with the payments: nothing else is changed."""

    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=200)
    layout = models.CharField(_("layout"), max_length=20)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    rows = models.PositiveIntegerField(_("rows read"))
    matched = models.PositiveIntegerField(_("rows that match"))
    # Differences found, per kind: {"missing_in_ledger": 1, ...}.
    counts = models.JSONField(_("differences"), default=dict)
    # The differences themselves (the first MAX_KEPT), for the CSV the operator sends the provider.
    details = models.JSONField(_("details"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")

    def __str__(self):
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def differences(self) -> int:
        return sum(self.counts.values())
