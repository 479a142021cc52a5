from django.core.management.base import BaseCommand

from marketplace.regions import load_regions


class Command(BaseCommand):
    help = "Load Indonesian provinces, regencies/cities and districts (idempotent)."

    def handle(self, *args, **options):
        counts = load_regions()
        self.stdout.write(
            f"Regions loaded: {counts.provinces} provinces, {counts.regencies} regencies/cities, "
            f"{counts.districts} districts."
        )
