"""Add the configured channels' bot, channel, group and numbers to the official contacts (idempotent)."""

from django.core.management.base import BaseCommand

from tickets.connectors.services.contacts import official_contacts_sync_connectors


class Command(BaseCommand):
    help = "Add the official Telegram bot/channel/group and SMS/hotline numbers to the verify-a-contact list."

    def handle(self, *args, **options):
        added = official_contacts_sync_connectors()
        for contact in added:
            self.stdout.write(f"Added {contact}")
        self.stdout.write(self.style.SUCCESS(f"{len(added)} official contact(s) added."))
