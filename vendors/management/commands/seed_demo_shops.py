from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vendors.demo import DEMO_PASSWORD, PENDING_SHOP, SHOPS, seed_shops


class Command(BaseCommand):
    help = "Create about 20 approved demo shops, two communities and one pending shop (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data has known passwords: run with DEBUG=1, or --force on a test site.")
        created = seed_shops()
        self.stdout.write(self.style.SUCCESS(f"Demo shops: {created} new, {len(SHOPS)} approved, 1 pending."))
        self.stdout.write(
            f"  Seller log-in: {SHOPS[0][0]}@warung.test / {DEMO_PASSWORD}  ->  {settings.SITE_URL}/dashboard/"
        )
        self.stdout.write(f"  Waiting for verification in {settings.SITE_URL}/admin/: {PENDING_SHOP[1]}")
