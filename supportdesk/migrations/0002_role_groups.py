"""Create the staff role groups (Agent, Supervisor, Manager, Administrator) with their permissions.

Permissions are normally created after migrate (post_migrate); they are created
here first so the groups can be granted them in the same run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from supportdesk.roles import sync_role_groups


def create_role_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("supportdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tickets", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
