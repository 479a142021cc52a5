"""Create the PostgreSQL database named in DATABASE_URL when it does not exist yet (`make stack`)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it is missing; nothing to do on SQLite."

    def handle(self, *args, **options):
        settings_dict = connections["default"].settings_dict
        if settings_dict["ENGINE"] != "django.db.backends.postgresql":
            self.stdout.write("SQLite: the file is created on first use.")
            return
        import psycopg2
        from psycopg2 import sql

        name = settings_dict["NAME"]
        params = {
            "dbname": "postgres",
            "user": settings_dict["USER"] or None,
            "password": settings_dict["PASSWORD"] or None,
            "host": settings_dict["HOST"] or None,
            "port": settings_dict["PORT"] or None,
        }
        try:
            server = psycopg2.connect(**{k: v for k, v in params.items() if v is not None}, connect_timeout=5)
        except psycopg2.OperationalError as error:
            raise CommandError(f"PostgreSQL is not reachable: {error}".strip()) from None
        server.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        try:
            with server.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
                if cursor.fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        finally:
            server.close()
        self.stdout.write(f"Database {name} created.")
