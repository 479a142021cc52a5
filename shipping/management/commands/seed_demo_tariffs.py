from django.core.management.base import BaseCommand, CommandError

from shipping.demo import RegionsMissing, seed_demo_shop_shipping, seed_demo_tariffs


class Command(BaseCommand):
    help = "Courier tariffs between the demo regions and to every province, and the demo shops' courier services (safe to run again)."

    def handle(self, *args, **options):
        try:
            created = seed_demo_tariffs()
        except RegionsMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo courier tariffs: {created} created.")
        shops = seed_demo_shop_shipping()
        self.stdout.write(f"Demo shops given courier services and own delivery: {shops}.")
