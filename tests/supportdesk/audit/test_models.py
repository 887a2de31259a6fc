"""Audit entries are append-only in the database itself (PostgreSQL trigger from supportdesk 0005)."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from supportdesk.audit.models import AuditEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"),
]


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_database_refuses_to_change_or_delete_an_entry(agent, change):
    row = AuditEntry.objects.create(actor=agent, object_type="tickets.ticket", object_id="7")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        if change == "update":
            AuditEntry.objects.filter(pk=row.pk).update(object_id="8")
        else:
            AuditEntry.objects.filter(pk=row.pk).delete()

    assert AuditEntry.objects.get(pk=row.pk).object_id == "7"
