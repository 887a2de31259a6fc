"""django-q2 finds a task by its dotted path, stored in the database (schedules, queued tasks): every path
the project stores or enqueues must still name a function after code moves."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_q.models import Schedule

ENQUEUED = re.compile(r"""async_task[(,]\s*["']([\w.]+)["']""")
APPS = ("supportdesk", "tickets", "feedback", "knowledge", "training", "workforce", "devdata")


def enqueued_paths() -> set[str]:
    root = Path(settings.BASE_DIR)
    sources = (path for app in APPS for path in (root / app).rglob("*.py"))
    return {match for path in sources for match in ENQUEUED.findall(path.read_text(encoding="utf-8"))}


def test_the_enqueued_task_paths_are_found_in_the_source():
    assert {"tickets.tasks.send_outbound_email", "tickets.complaints.tasks.send_confirmation_request"} <= (
        enqueued_paths()
    )


@pytest.mark.parametrize("path", sorted(enqueued_paths()))
def test_every_enqueued_task_path_names_a_function(path):
    assert callable(import_string(path))


def test_every_schedule_names_a_function(db, settings):
    settings.IMAP_HOST = "imap.example.com"
    call_command("sync_email_schedules", stdout=None)

    paths = set(Schedule.objects.values_list("func", flat=True))

    assert {"tickets.complaints.tasks.follow_up_sweep", "tickets.tasks.poll_imap_mailbox"} <= paths
    assert [path for path in sorted(paths) if not callable(import_string(path))] == []
