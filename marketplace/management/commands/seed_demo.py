from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_ACCOUNTS = [
    # e-mail, password, superuser, first name
    ("admin@warung.test", "dinas-demo-2026", True, "Staf Dinas"),
    ("pembeli@warung.test", "pembeli-demo-2026", False, "Siti Pembeli"),
]


class Command(BaseCommand):
    help = "Create demo accounts and data for a development marketplace (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data has known passwords: run with DEBUG=1, or --force on a test site.")
        for email, password, is_superuser, first_name in DEMO_ACCOUNTS:
            self.ensure_account(email, password, is_superuser, first_name)
        self.stdout.write(self.style.SUCCESS(f"Demo log-ins ({settings.SITE_URL}):"))
        for email, password, is_superuser, _ in DEMO_ACCOUNTS:
            where = "/admin/ (dinas staff)" if is_superuser else "/accounts/login/ (buyer)"
            where = f"{settings.SITE_URL}{where}"
            self.stdout.write(f"  {email} / {password}  ->  {where}")

    def ensure_account(self, email, password, is_superuser, first_name):
        user, _ = get_user_model().objects.get_or_create(email=email)
        user.first_name = first_name
        user.is_staff = user.is_superuser = is_superuser
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user
