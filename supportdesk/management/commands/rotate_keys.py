"""Re-encrypt every encrypted column under the current data key and blind-index key, in batches, then
every encrypted file (attachments, thumbnails, exports) whose data key is wrapped under an older key.

Run after putting a new key first in FIELD_ENCRYPTION_KEYS (the old one stays listed until this
finishes, so every row stays readable throughout). Values already under the current keys are skipped,
so an interrupted run is simply started again. Prints progress per batch and the throughput.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from supportdesk.kit.crypto import EncryptedTextField, reencrypt
from supportdesk.kit.encrypted_storage import EncryptedStorage, reencrypt_files


def encrypted_columns() -> list[tuple[type, EncryptedTextField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def encrypted_file_fields() -> list[tuple[type, models.FileField]]:
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and isinstance(field.storage, EncryptedStorage)
    ]


class Command(BaseCommand):
    help = "Re-encrypt encrypted columns under the current key (after adding a new key in front)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, batch: int, **options):
        started, total = time.monotonic(), 0
        for model, field in encrypted_columns():
            label = f"{model._meta.label}.{field.name}"
            rows = model._base_manager.exclude(**{field.attname: ""})
            count, done, rewritten, last = rows.count(), 0, 0, 0
            while chunk := list(rows.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]):
                raw = self._raw(model, field, chunk)
                with transaction.atomic():
                    for pk, stored in raw.items():
                        fresh = reencrypt(stored, field=field)
                        if fresh is not None:
                            model._base_manager.filter(pk=pk).update(**{field.attname: fresh})
                            rewritten += 1
                last, done = chunk[-1], done + len(chunk)
                self.stdout.write(f"{label}: {done}/{count}")
            total += rewritten
            self.stdout.write(f"{label}: {rewritten} re-encrypted")
        seconds = time.monotonic() - started
        self.stdout.write(f"{total} values re-encrypted in {seconds:.1f} s ({total / max(seconds, 1e-9):.0f}/s)")
        started, files = time.monotonic(), 0
        for model, field in encrypted_file_fields():
            label = f"{model._meta.label}.{field.name}"
            rewritten = reencrypt_files(
                model._base_manager.all(),
                field.attname,
                batch=max(1, batch // 5),
                progress=lambda done, count, label=label: self.stdout.write(f"{label}: {done}/{count} files"),
            )
            files += rewritten
            self.stdout.write(f"{label}: {rewritten} files re-encrypted")
        seconds = time.monotonic() - started
        self.stdout.write(f"{files} files re-encrypted in {seconds:.1f} s ({files / max(seconds, 1e-9):.0f}/s)")

    @staticmethod
    def _raw(model, field, pks: list[int]) -> dict[int, str]:
        """The stored (encrypted) text, bypassing the field's decryption."""

        table, column, key = model._meta.db_table, field.column, model._meta.pk.column
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(pks))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(key)}, {quote(column)} FROM {quote(table)} WHERE {quote(key)} IN ({placeholders})",  # noqa: S608 - names from the model, values bound
                pks,
            )
            return dict(cursor.fetchall())
