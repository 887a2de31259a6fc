from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from supportdesk.roles import sync_role_groups


class Command(BaseCommand):
    help = "Create the staff role groups and (re)grant their permissions. Idempotent."

    def handle(self, *args, **options) -> None:
        sync_role_groups(Group, Permission)
        self.stdout.write(self.style.SUCCESS("Role groups are in sync."))
