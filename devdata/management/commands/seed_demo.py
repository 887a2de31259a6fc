from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devdata.demo import seed_demo


class Command(BaseCommand):
    help = "Load demo teams, one account per role and two customers with tickets. Safe to run twice."

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "SEED_DEMO_ALLOWED", False):
            raise CommandError("Demo data is only loaded with local or test settings, never in production.")
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (local only):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<14} {login.login:<20} {login.password:<16} {login.where}")
