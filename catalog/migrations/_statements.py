"""SQL that exists on one database only, for this app's migrations (not a migration itself:
Django skips modules whose name starts with "_"). Migrations already applied import it: what it
does must never change."""


def run_on(vendor, statements):
    """A RunPython function that executes `statements` on `vendor` ("postgresql", "sqlite") only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == vendor:
            for statement in statements:
                schema_editor.execute(statement)

    return run
