from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports.demo import seed_dinas


class Command(BaseCommand):
    help = "Demo data for the dinas desk (run after seed_demo and the shop, product and order seeds)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Seed even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data has known passwords: run with DEBUG=1, or --force on a test site.")
        for email, password, _, staff in seed_dinas():
            where = "/admin/ (dinas moderator)" if staff else "/dashboard/ (community manager)"
            self.stdout.write(f"  {email} / {password}  ->  {settings.SITE_URL}{where}")
