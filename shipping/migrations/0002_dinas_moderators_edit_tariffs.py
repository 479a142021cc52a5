"""Dinas moderators keep the deployment's courier tariffs and provider areas up to date.

Runs after the migration that creates the "Dinas moderator" group, which sets that group's
permissions wholesale and would otherwise drop these.
"""

from django.db import migrations

GROUP = "Dinas moderator"
CODENAMES = [
    "view_tariff", "add_tariff", "change_tariff", "delete_tariff",
    "view_providerarea", "add_providerarea", "change_providerarea", "delete_providerarea",
    "view_shopshippingprofile", "view_owndeliveryarea",
]  # fmt: skip


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("shipping")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = saved

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="shipping", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="shipping", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0001_initial"),
        ("reports", "0002_dinas_moderator_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
