"""Re-sync the role groups for the complaint permissions (agents work complaints,
supervisors also approve remedies: tickets.approve_remedy)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from supportdesk.roles import sync_role_groups


def sync_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("supportdesk", "0002_role_groups"),
        ("tickets", "0003_complaints"),
    ]

    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
