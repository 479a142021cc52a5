from django.core.management.base import BaseCommand

from catalog.services import refresh_search_vectors


class Command(BaseCommand):
    help = "Rebuild the stored search vectors of products (all, or one shop's after it was renamed)."

    def add_arguments(self, parser):
        parser.add_argument("--shop", type=int, help="Only the products of the shop with this id.")

    def handle(self, *args, shop=None, **options):
        refresh_search_vectors(shop_id=shop)
        self.stdout.write("Search vectors rebuilt.")
