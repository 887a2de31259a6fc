"""`make bench-privacy`: what field encryption costs on the admin pages, and the rotation throughput.

Seeds --customers customers (phone and notes filled) with one ticket each (from/to addresses filled), inside a
transaction that is rolled back at the end, on the benchmark database. Measures the ticket and customer
changelists and change pages with the columns in plaintext (the legacy read path: no decryption), then
encrypts them (timed: the rotation throughput) and measures again. Then writes --files attachment-sized files
through the encrypted storage and rotates them to a new key (timed: file encryption and rotation throughput;
the files are deleted). Prints the medians and the slowdown, and writes bench/results/privacy.json.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from supportdesk.kit.crypto import decrypt, encrypt, reencrypt
from supportdesk.kit.encrypted_storage import encrypted_storage
from supportdesk.models import User
from tickets.models import Channel, Customer, Ticket


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Measure the cost of field encryption on admin pages and the key-rotation throughput (rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=20_000)
        parser.add_argument("--repetitions", type=int, default=30)
        parser.add_argument("--files", type=int, default=100)
        parser.add_argument("--file-kib", type=int, default=512)

    def handle(self, *args, customers: int, repetitions: int, files: int, file_kib: int, **options) -> None:
        if not getattr(settings, "BENCH_ALLOWED", False):
            raise CommandError("Run it with `make bench-privacy` (the benchmark database), never on the dev one.")
        results = {}
        try:
            with (
                transaction.atomic(),
                override_settings(STAFF_MFA_REQUIRED_ROLES=[], STAFF_MFA_REQUIRED_FOR_SUPERUSERS=False),
            ):
                pages = self._seed(customers)
                client = Client()
                client.force_login(User.objects.create_superuser("privacy-bench", "pb@example.org", None))
                results["plaintext"] = self._measure(client, pages, repetitions)
                results["rotation"] = self._encrypt()
                results["encrypted"] = self._measure(client, pages, repetitions)
                raise Rollback
        except Rollback:
            pass
        results["slowdown_percent"] = {
            page: round(100 * (results["encrypted"][page] / results["plaintext"][page] - 1), 1)
            for page in results["plaintext"]
        }
        results["customers"] = customers
        results["files"] = self._files(files, file_kib)
        results["decrypt_microseconds_per_value"] = self._decrypt_cost()
        output = Path(settings.BASE_DIR) / "bench" / "results"
        output.mkdir(parents=True, exist_ok=True)
        (output / "privacy.json").write_text(json.dumps(results, indent=2))
        self.stdout.write(json.dumps(results, indent=2))

    def _seed(self, count: int) -> dict[str, str]:
        first = (Customer.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        Customer.objects.bulk_create(
            Customer(pk=first + n, email=f"privacy-bench-{first + n}@example.org", name=f"Bench {n}")
            for n in range(count)
        )
        with connection.cursor() as cursor:  # plaintext, as rows written before encryption
            cursor.execute(
                "UPDATE tickets_customer SET phone = '+44 7911 ' || CAST(id AS TEXT), "
                "notes = 'note ' || CAST(id AS TEXT) WHERE id >= %s",
                [first],
            )
        Ticket.objects.bulk_create(
            Ticket(customer_id=first + n, subject=f"Bench ticket {n}", channel=Channel.PORTAL) for n in range(count)
        )
        with connection.cursor() as cursor:  # the transaction addresses, in plaintext too
            cursor.execute(
                "UPDATE tickets_ticket SET chain = 'ethereum', "
                "from_address = '0x52908400098527886e0f7030069857d2e41' || CAST(customer_id AS TEXT), "
                "to_address = '0x8ba1f109551bd432803012645ac136ddd64d' || CAST(customer_id AS TEXT) "
                "WHERE customer_id >= %s",
                [first],
            )
        ticket = Ticket.objects.filter(customer_id=first).get()
        return {
            "ticket_changelist": reverse("admin:tickets_ticket_changelist"),
            "customer_changelist": reverse("admin:tickets_customer_changelist"),
            "customer_search_by_phone": reverse("admin:tickets_customer_changelist") + f"?q=%2B447911{first}",
            "ticket_page": reverse("admin:tickets_ticket_change", args=[ticket.pk]),
            "customer_page": reverse("admin:tickets_customer_change", args=[first]),
        }

    def _measure(self, client: Client, pages: dict[str, str], repetitions: int) -> dict[str, float]:
        medians = {}
        for name, url in pages.items():
            for _warmup in range(3):
                client.get(url)
            timings = []
            for _run in range(repetitions):
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            medians[name] = round(statistics.median(timings), 2)
        return medians

    def _encrypt(self) -> dict[str, float]:
        """Every phone, note and address through the rotation path (decrypt if needed, encrypt under the current
        key)."""
        started, done = time.perf_counter(), 0
        for model, names in ((Customer, ("phone", "notes")), (Ticket, ("from_address", "to_address"))):
            fields = [model._meta.get_field(name) for name in names]
            table, columns = model._meta.db_table, ", ".join(names)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT id, {columns} FROM {table} WHERE {names[0]} <> '' OR {names[1]} <> ''")  # noqa: S608 - model names
                rows = cursor.fetchall()
            for pk, *values in rows:
                update = {}
                for field, value in zip(fields, values, strict=True):
                    fresh = reencrypt(value, field=field)
                    if fresh is not None:
                        update[field.attname] = fresh
                if update:
                    model.objects.filter(pk=pk).update(**update)
                    done += len(update)
        seconds = time.perf_counter() - started
        return {"values": done, "seconds": round(seconds, 2), "values_per_second": round(done / seconds)}

    def _decrypt_cost(self, count: int = 20_000) -> float:
        """One value's decryption in process, the part of a page's cost that load on the machine hardly skews."""
        token = encrypt("+44 7911 123456", index="")
        started = time.perf_counter()
        for _n in range(count):
            decrypt(token)
        return round((time.perf_counter() - started) / count * 1e6, 1)

    def _files(self, count: int, kib: int) -> dict[str, float]:
        """Encrypting attachment files on save, reading them back, and rotating them to a new key (MiB/s)."""
        storage, payload = encrypted_storage(), os.urandom(kib * 1024)
        mib = count * kib / 1024
        old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        names = []
        try:
            with override_settings(FIELD_ENCRYPTION_KEYS=[old]):
                started = time.perf_counter()
                names = [storage.save("bench/privacy/file", ContentFile(payload)) for _n in range(count)]
                write = time.perf_counter() - started
                started = time.perf_counter()
                for name in names:
                    with storage.open(name) as opened:
                        opened.read()
                read = time.perf_counter() - started
            with override_settings(FIELD_ENCRYPTION_KEYS=[new, old]):
                started = time.perf_counter()
                rotated = [storage.reencrypt(name) for name in names]
                rotate = time.perf_counter() - started
                for name in names:
                    storage.delete(name)
                names = rotated
        finally:
            for name in names:
                storage.delete(name)
        return {
            "count": count,
            "kib_each": kib,
            "encrypt_mib_per_second": round(mib / write, 1),
            "decrypt_mib_per_second": round(mib / read, 1),
            "rotate_files_per_second": round(count / rotate, 1),
        }
