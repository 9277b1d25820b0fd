"""The Curators group: everything curation needs in the admin, nothing more (no user admin,
no deleting: questions are retired, never deleted)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATOR_PERMISSIONS = [
    ("questions", "question", ["view", "add", "change"]),
    ("questions", "historicalquestion", ["view"]),
    ("questions", "tag", ["view", "add", "change"]),
    ("questions", "redflag", ["view", "add", "change"]),
    ("questions", "competency", ["view"]),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Curators")
    codenames = [
        f"{action}_{model}" for _, model, actions in CURATOR_PERMISSIONS for action in actions
    ]
    perms = Permission.objects.filter(content_type__app_label="questions", codename__in=codenames)
    assert perms.count() == len(codenames), "curation permissions are missing"
    group.permissions.set(perms)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Curators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0002_curation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
