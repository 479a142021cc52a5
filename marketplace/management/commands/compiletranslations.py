from django.conf import settings
from django.core.management.base import BaseCommand

from marketplace.translations import catalogue_paths, compile_catalogue


class Command(BaseCommand):
    help = "Compile our .po catalogues to .mo in Python (no GNU gettext needed)."

    def handle(self, *args, **options):
        for po_path in catalogue_paths():
            if compile_catalogue(po_path):
                self.stdout.write(f"Compiled {po_path.relative_to(settings.BASE_DIR)}")
