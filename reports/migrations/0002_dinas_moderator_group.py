"""The "Dinas moderator" group and exactly the permissions its members need.

Moderators verify shops, moderate products and buyers' reports, manage communities and expos,
read the reports and onboard sellers. They get nothing on users (passwords, staff rights) or on
orders and payments; superusers manage staff.
"""

from django.db import migrations

GROUP = "Dinas moderator"

PERMISSIONS = {
    "vendors": [
        "view_shop", "change_shop", "view_shopstatusevent", "view_shopmember", "view_bankaccount",
        "view_shopcategory",
        "view_community", "add_community", "change_community", "delete_community",
        "view_communitymanager", "add_communitymanager", "change_communitymanager",
        "delete_communitymanager",
    ],
    "catalog": [
        "view_category", "view_product", "change_product",
        "view_reportedproduct", "change_reportedproduct", "view_productreport", "change_productreport",
        "view_takedownappeal", "change_takedownappeal", "view_moderationevent",
        "view_expo", "add_expo", "change_expo", "delete_expo",
        "view_exposhop", "add_exposhop", "change_exposhop", "delete_exposhop",
    ],
    # Read-only reference data, needed by the region pickers of the shop form.
    "marketplace": ["view_province", "view_regency", "view_district"],
    "reports": ["view_reports", "onboard_shops"],
}  # fmt: skip


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after all migrations ran; this group needs them now.
    for app_config in apps.get_app_configs():
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = saved or True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = saved

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = []
    for app_label, codenames in PERMISSIONS.items():
        found = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in found}
        if missing:
            raise RuntimeError(f"Missing permissions for {app_label}: {sorted(missing)}")
        wanted += found
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_dinas_desk"),
        ("vendors", "0003_community_managers"),
        ("catalog", "0005_product_reports_appeals_and_expos"),
        ("marketplace", "0002_notifications"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
