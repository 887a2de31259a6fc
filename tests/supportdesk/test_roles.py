"""Role groups created by the migration, and `manage.py sync_roles`."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from supportdesk.roles import (
    ADMINISTRATOR,
    AGENT,
    MANAGER,
    SECURITY_OFFICER,
    SENIOR_AGENT,
    STAFF_ROLES,
    SUPERVISOR,
    permission_matches,
)

pytestmark = pytest.mark.django_db


def granted(role: str) -> set[str]:
    permissions = Group.objects.get(name=role).permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def test_the_migration_creates_the_six_staff_role_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= set(STAFF_ROLES)


def test_an_agent_works_tickets_but_does_not_see_all_of_them_or_delete_history():
    agent = granted(AGENT)

    assert {"tickets.view_ticket", "tickets.add_ticket", "tickets.change_ticket", "tickets.view_ticketevent"} <= agent
    assert "tickets.view_all_tickets" not in agent
    assert "tickets.assign_any_ticket" not in agent
    assert not {"tickets.delete_ticket", "tickets.change_ticketevent", "tickets.change_ticketmessage"} & agent
    assert not any(p.startswith("supportdesk.") or p.startswith("auth.") for p in agent)


def test_a_supervisor_assigns_any_ticket_but_never_deletes_history_or_customers():
    supervisor = granted(SUPERVISOR)

    assert {"tickets.assign_any_ticket", "tickets.view_all_tickets", "tickets.change_team"} <= supervisor
    assert (
        not {
            "tickets.delete_ticket",
            "tickets.delete_ticketevent",
            "tickets.change_ticketevent",
            "tickets.delete_customer",
        }
        & supervisor
    )


def test_a_manager_reads_everything_in_tickets_but_changes_nothing():
    manager = granted(MANAGER)

    assert {"tickets.view_ticket", "tickets.view_all_tickets", "tickets.view_customer"} <= manager
    assert not any(p.startswith(("tickets.add_", "tickets.change_", "tickets.delete_")) for p in manager)
    assert "tickets.assign_any_ticket" not in manager


def test_an_administrator_has_every_permission():
    assert granted(ADMINISTRATOR) == {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }


def test_sync_roles_is_idempotent_and_repairs_drift():
    before = {role: granted(role) for role in STAFF_ROLES}
    Group.objects.get(name=AGENT).permissions.clear()
    Group.objects.get(name=MANAGER).permissions.add(Permission.objects.get(codename="delete_ticket"))

    output = io.StringIO()
    call_command("sync_roles", stdout=output)
    call_command("sync_roles", stdout=output)

    assert output.getvalue().count("Role groups are in sync.") == 2
    assert {role: granted(role) for role in STAFF_ROLES} == before
    assert Group.objects.filter(name__in=STAFF_ROLES).count() == len(STAFF_ROLES)


def test_training_and_workforce_go_to_the_roles_that_had_them_under_knowledge():
    """Issue 18 moved courses, assignments, awards, the roster and forecast events out of knowledge: each role keeps
    exactly what knowledge.view_* / knowledge.* / coach_agents / plan_staffing gave it."""
    moved = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(
            content_type__app_label__in=["training", "workforce"]
        ).values_list("content_type__app_label", "codename")
    }
    views = {
        "training.view_trainingcourse",
        "training.view_trainingassignment",
        "training.view_trainingevent",
        "training.view_agentaward",
        "workforce.view_shift",
        "workforce.view_forecastevent",
    }

    assert {"training.coach_agents", "workforce.plan_staffing"} < moved
    assert granted(AGENT) & moved == views
    assert granted(SUPERVISOR) & moved == moved
    assert granted(MANAGER) & moved == views | {"training.coach_agents", "workforce.plan_staffing"}
    assert granted(ADMINISTRATOR) >= moved
    assert not any(p.endswith(("coach_agents", "plan_staffing")) for p in granted(AGENT))


def readme_role_table() -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The roles table of README.md: its role columns and, per permission, the ✓/– cells."""
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Roles\n") : text.index("\n## ", text.index("## Roles\n") + 1)]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[1:]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        rows.append((cells[1].strip("`"), cells[2:]))
    return header[2:], rows


def test_the_readme_roles_table_says_what_the_role_definitions_grant():
    roles, rows = readme_role_table()

    assert roles == list(STAFF_ROLES)
    assert len(rows) >= 20
    for permission, cells in rows:
        assert cells == ["✓" if permission_matches(role, permission) else "–" for role in roles], permission


def test_the_six_roles_split_the_work_as_issue_19_says():
    assert granted(SENIOR_AGENT) - granted(AGENT) >= {"tickets.deescalate_ticket", "knowledge.change_macro"}
    assert "tickets.view_all_tickets" in granted(SECURITY_OFFICER)
    assert {"tickets.download_raw_email", "tickets.change_officialcontact"} <= granted(SECURITY_OFFICER)
    assert "tickets.merge_customers" not in granted(AGENT) | granted(SENIOR_AGENT) | granted(SECURITY_OFFICER)
    assert "tickets.merge_customers" in granted(SUPERVISOR)
    assert not {"tickets.add_customeremail", "tickets.change_customeremail"} & granted(AGENT)
