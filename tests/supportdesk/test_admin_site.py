"""The SupportDesk admin site: every registered ModelAdmin opens, and only staff get in."""

import uuid
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django_q.models import Failure, OrmQ, Schedule, Success
from django_q.signing import SignedPackage

from feedback import services as feedback_services
from feedback.models import SurveyFollowUp, SurveyTemplate
from knowledge import services as knowledge_services
from knowledge.models import StatusNotice
from privacy.models import AccessRequest, ConsentRecord, ErasureRequest, LegalHold, RetentionPolicy, RetentionRun
from supportdesk.audit.models import AuditEntry
from supportdesk.services import api_token_create, app_key_create
from tests import factories
from tickets import services as ticket_services
from tickets.connectors.models import ChannelIdentity, InboundChannelMessage, OutboundChannelMessage, PhoneCall
from tickets.email.models import EmailAddressStatus
from tickets.models import (
    AgentProfile,
    BusinessCalendar,
    Category,
    ChatSession,
    Customer,
    CustomerMerge,
    ExplorerLink,
    FollowUpPolicy,
    IdentityVerification,
    ImpersonatorReport,
    KeywordRule,
    Notification,
    OfficialContact,
    SLAPolicy,
    Tag,
    Team,
    Ticket,
    TicketEvent,
)
from tickets.workspace.models import SavedView
from training import services as training_services
from training.models import AgentAward
from workforce.models import ForecastEvent, Shift

pytestmark = pytest.mark.django_db


def _task(model, *, success: bool):
    now = timezone.now()
    return model.objects.create(
        id=uuid.uuid4().hex, name=f"task-{success}", func="math.floor", started=now, stopped=now, success=success
    )


def _kb_article(ctx):
    return factories.kb_article(
        author=factories.supervisor(),
        slug=f"backup-{uuid.uuid4().hex[:8]}",
        translations={"en": ("Back up", "Write it down.")},
    )


def _bot_chat():
    chat = knowledge_services.bot_conversation_for(token=None, user=AnonymousUser(), language="en")
    knowledge_services.bot_ask(conversation=chat, text="zebra crossing lights")
    return chat


def _customer_merge(ctx):
    ticket_services.customer_merge(
        primary=ctx["customer"], duplicate=factories.CustomerFactory(), actor=factories.supervisor()
    )
    return CustomerMerge.objects.get()


# One saved object per registered model, so each change page has something to show.
def _ready_export(ctx):
    export = AccessRequest(customer=ctx["customer"], token=uuid.uuid4().hex, requested_by=ctx["agent"], by_staff=True)
    export.file.save("export.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    export.status = "ready"
    export.save()
    return export


OBJECT_BUILDERS = {
    "auth.Group": lambda ctx: Group.objects.get(name="Agent"),
    "sites.Site": lambda ctx: Site.objects.get_current(),
    "account.EmailAddress": lambda ctx: EmailAddress.objects.create(
        user=ctx["customer"].user, email=ctx["customer"].email, verified=True, primary=True
    ),
    "mfa.Authenticator": lambda ctx: Authenticator.objects.create(
        user=ctx["agent"], type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00" * 20, "used_mask": 0}
    ),
    "django_q.Schedule": lambda ctx: Schedule.objects.create(name="nightly", func="math.floor", args="1"),
    "django_q.Success": lambda ctx: _task(Success, success=True),
    "django_q.Failure": lambda ctx: _task(Failure, success=False),
    "django_q.OrmQ": lambda ctx: OrmQ.objects.create(
        key="supportdesk",
        payload=SignedPackage.dumps({"id": uuid.uuid4().hex, "name": "queued", "func": "math.floor", "args": (1,)}),
    ),
    "supportdesk.User": lambda ctx: ctx["agent"],
    "tickets.Ticket": lambda ctx: ctx["ticket"],
    "tickets.Customer": lambda ctx: ctx["customer"],
    "tickets.CustomerMerge": lambda ctx: _customer_merge(ctx),
    "tickets.Team": lambda ctx: ctx["ticket"].team,
    "tickets.AgentProfile": lambda ctx: AgentProfile.objects.get(user=ctx["agent"]),
    "tickets.Category": lambda ctx: Category.objects.get(slug="transaction"),
    "tickets.Tag": lambda ctx: Tag.objects.create(name="phishing"),
    "tickets.ChatSession": lambda ctx: ChatSession.objects.create(customer=ctx["customer"], ticket=ctx["ticket"]),
    # the inbox of the user who opens the pages (the smoke test's superuser; the role matrix's agent)
    "tickets.Notification": lambda ctx: Notification.objects.create(
        recipient=ctx.get("administrator", ctx["agent"]),
        kind="assigned",
        text="SD-1 x",
        url=f"/admin/tickets/ticket/{ctx['ticket'].pk}/change/",
    ),
    "tickets.TicketEvent": lambda ctx: TicketEvent.objects.filter(ticket=ctx["ticket"]).first(),
    "tickets.InboundEmail": lambda ctx: factories.InboundEmailFactory(),
    "tickets.OutboundEmail": lambda ctx: factories.OutboundEmailFactory(ticket=ctx["ticket"]),
    "tickets.EmailAddressStatus": lambda ctx: EmailAddressStatus.objects.create(address="gone@example.org"),
    "tickets.ChannelIdentity": lambda ctx: ChannelIdentity.objects.create(
        connector="telegram", handle="1111111", username="alice", customer=ctx["customer"]
    ),
    "tickets.InboundChannelMessage": lambda ctx: InboundChannelMessage.objects.create(
        connector="telegram", dedup_key="1111111:1", payload="{}", size=2, ticket=ctx["ticket"], status="processed"
    ),
    "tickets.OutboundChannelMessage": lambda ctx: OutboundChannelMessage.objects.create(
        connector="telegram", kind="reply", recipient="1111111", body="Hi", idempotency_key="k1", ticket=ctx["ticket"]
    ),
    "tickets.PhoneCall": lambda ctx: PhoneCall.objects.create(
        ticket=ctx["ticket"], direction="inbound", customer_number="+8613800138000", started_at=timezone.now()
    ),
    "tickets.ExplorerLink": lambda ctx: ExplorerLink.objects.order_by("id").first(),
    "tickets.OfficialContact": lambda ctx: OfficialContact.objects.create(
        kind="website", value="supportdesk.example", label="Website"
    ),
    "tickets.ImpersonatorReport": lambda ctx: ImpersonatorReport.objects.create(
        contact="supp0rtdesk.example", where_seen="telegram", reporter_email="v@example.com"
    ),
    "supportdesk.AuditEntry": lambda ctx: AuditEntry.objects.create(
        actor=ctx["agent"], object_type="tickets.ticket", object_id=str(ctx["ticket"].pk)
    ),
    "tickets.IdentityVerification": lambda ctx: IdentityVerification.objects.create(
        ticket=ctx["ticket"], requested_by=ctx["agent"], channels="email", code_hash="0" * 64, expires_at=timezone.now()
    ),
    "tickets.FollowUpPolicy": lambda ctx: FollowUpPolicy.objects.create(team=ctx["ticket"].team),
    "tickets.SavedView": lambda ctx: SavedView.objects.create(
        owner=ctx["agent"], name="Open in my team", query="queue=open", team=ctx["ticket"].team
    ),
    "feedback.SurveyTemplate": lambda ctx: SurveyTemplate.objects.get(is_default=True),
    "feedback.SurveyInvitation": lambda ctx: factories.SurveyInvitationFactory(ticket=ctx["ticket"]),
    "feedback.SurveyResponse": lambda ctx: factories.SurveyResponseFactory(
        invitation=factories.SurveyInvitationFactory(ticket=ctx["ticket"])
    ),
    "feedback.SurveyFollowUp": lambda ctx: SurveyFollowUp.objects.create(
        response=factories.SurveyResponseFactory(invitation=factories.SurveyInvitationFactory(ticket=ctx["ticket"])),
        ticket=ctx["ticket"],
        team=ctx["ticket"].team,
    ),
    "feedback.Suggestion": lambda ctx: factories.SuggestionFactory(),
    "feedback.SuggestionMonthlySummary": lambda ctx: feedback_services.suggestion_monthly_summary_build(
        month=date(2026, 3, 1)
    ),
    "knowledge.HelpCategory": lambda ctx: factories.HelpCategoryFactory(),
    "knowledge.Article": lambda ctx: _kb_article(ctx),
    "knowledge.Macro": lambda ctx: factories.kb_macro(title="Hello"),
    "knowledge.BotConversation": lambda ctx: _bot_chat(),
    "knowledge.UnansweredQuestion": lambda ctx: _bot_chat().messages.filter(role="user").get(),
    "knowledge.DeflectionEvent": lambda ctx: knowledge_services.deflection_record(
        article=_kb_article(ctx), query="backup", session_key="s"
    ),
    "knowledge.StatusNotice": lambda ctx: StatusNotice.objects.create(title="Transfers delayed", is_published=True),
    "supportdesk.ApiToken": lambda ctx: api_token_create(user=ctx["agent"], name="CI")[0],
    "supportdesk.AppKey": lambda ctx: app_key_create(name="Wallet app")[0],
    "tickets.Complaint": lambda ctx: factories.complaint(ticket=ctx["ticket"], actor=ctx["agent"]),
    "tickets.Remedy": lambda ctx: factories.complaint(
        ticket=factories.ticket(customer=ctx["customer"], team=ctx["ticket"].team),
        actor=ctx["agent"],
        stage="resolution_proposed",
    ).remedies.get(),
    "tickets.BusinessCalendar": lambda ctx: BusinessCalendar.objects.get(name="Support hours"),
    "tickets.SLAPolicy": lambda ctx: SLAPolicy.objects.first(),
    "tickets.KeywordRule": lambda ctx: KeywordRule.objects.first(),
    "workforce.Shift": lambda ctx: Shift.objects.create(
        agent=ctx["agent"], team=ctx["ticket"].team, weekday=0, start_hour=8, end_hour=16
    ),
    "workforce.ForecastEvent": lambda ctx: ForecastEvent.objects.create(
        name="Token listing", starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2), uplift_percent=50
    ),
    "training.TrainingCourse": lambda ctx: factories.TrainingCourseFactory(),
    "training.TrainingAssignment": lambda ctx: training_services.training_assign(
        agent=ctx["agent"], course=factories.TrainingCourseFactory(), reason="manual"
    ),
    "privacy.LegalHold": lambda ctx: LegalHold.objects.create(
        customer=ctx["customer"], reason="Court order", set_by=ctx["agent"]
    ),
    "privacy.ErasureRequest": lambda ctx: ErasureRequest.objects.create(
        customer=ctx["customer"], customer_ref=ctx["customer"].pk, requested_by=ctx["agent"]
    ),
    "privacy.AccessRequest": lambda ctx: _ready_export(ctx),
    "privacy.RetentionPolicy": lambda ctx: RetentionPolicy.objects.get(kind="raw_email"),
    "privacy.RetentionRun": lambda ctx: RetentionRun.objects.create(dry_run=True, report={"raw_email": {"due": 1}}),
    "privacy.ConsentRecord": lambda ctx: ConsentRecord.objects.create(
        customer=ctx["customer"], purpose="announcements", channel="email", granted=True, notice_version="1"
    ),
    "training.AgentAward": lambda ctx: AgentAward.objects.create(
        agent=ctx["agent"],
        month=timezone.localdate().replace(day=1),
        rank=1,
        csat=96.0,
        responses=25,
        tickets=40,
        confirmed_by=factories.supervisor(),
    ),
}

# Admins that never allow adding rows from the admin (history, task results, the queue).
# Complaints start from a ticket or the portal; remedies from a complaint; awards from the top agents page.
NO_ADD = {
    "tickets.ChatSession",
    "tickets.Notification",
    "training.AgentAward",
    "knowledge.BotConversation",
    "knowledge.UnansweredQuestion",
    "knowledge.DeflectionEvent",
    "tickets.Complaint",
    "tickets.Remedy",
    "tickets.TicketEvent",
    "tickets.CustomerMerge",
    "tickets.IdentityVerification",
    "tickets.ImpersonatorReport",
    "supportdesk.AuditEntry",
    "feedback.SurveyInvitation",
    "feedback.SurveyResponse",
    "feedback.SurveyFollowUp",
    "feedback.SuggestionMonthlySummary",
    "tickets.InboundEmail",
    "tickets.OutboundEmail",
    "tickets.EmailAddressStatus",
    "tickets.ChannelIdentity",
    "tickets.InboundChannelMessage",
    "tickets.OutboundChannelMessage",
    "django_q.Success",
    "django_q.Failure",
    "django_q.OrmQ",
    "privacy.RetentionRun",
    "privacy.ConsentRecord",
}

REGISTERED = sorted(model._meta.label for model in admin.site._registry)


def test_every_registered_model_admin_has_a_smoke_test():
    assert set(REGISTERED) == set(OBJECT_BUILDERS)


@pytest.fixture
def superuser_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def context(customer, agent, ticket, administrator):
    return {"customer": customer, "agent": agent, "ticket": ticket, "administrator": administrator}


@pytest.mark.parametrize("label", REGISTERED)
def test_a_superuser_opens_the_changelist_add_and_change_pages_of_every_admin(superuser_client, context, label):
    app_label, model_name = label.lower().split(".")
    obj = OBJECT_BUILDERS[label](context)

    changelist = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    change = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
    add = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_add"))

    assert changelist.status_code == 200
    assert change.status_code == 200
    assert add.status_code == (403 if label in NO_ADD else 200)


def test_the_changelist_search_works_on_every_admin_with_search_fields(superuser_client, context):
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        OBJECT_BUILDERS[model._meta.label](context)
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert superuser_client.get(url, {"q": "alice"}).status_code == 200, model._meta.label


def test_the_ticket_event_admin_refuses_edits_even_for_a_superuser(superuser_client, ticket):
    event = TicketEvent.objects.get(ticket=ticket)
    url = reverse("admin:tickets_ticketevent_change", args=[event.pk])

    response = superuser_client.post(url, {"kind": "status", "before": "x", "after": "y"})
    delete = superuser_client.post(reverse("admin:tickets_ticketevent_delete", args=[event.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert delete.status_code == 403
    event.refresh_from_db()
    assert (event.before, event.after) == ("", "portal")


def test_the_site_is_titled_supportdesk(superuser_client):
    response = superuser_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "<title>Dashboard | SupportDesk</title>" in response.content.decode()


def test_a_customer_cannot_reach_the_admin_at_all(client, customer, ticket):
    client.force_login(customer.user)

    for url in (
        reverse("admin:index"),
        reverse("admin:tickets_ticket_changelist"),
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:tickets_ticket_changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_agent_cannot_open_the_user_admin(client, agent):
    client.force_login(agent)

    assert client.get(reverse("admin:supportdesk_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_the_dashboard_shows_the_agents_queue(client, agent, ticket, other_ticket):
    client.force_login(agent)

    response = client.get(reverse("admin:index"))

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["queue_counts"].unassigned_in_my_teams == 1
    assert [t.pk for t in response.context["newest_tickets"]] == [ticket.pk]
    assert ticket.reference in content
    assert other_ticket.reference not in content


def test_the_dashboard_is_empty_for_staff_without_ticket_permissions(client):
    clerk = factories.UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "queue_counts" not in response.context


def test_customer_team_and_ticket_counts_in_the_changelists_are_right(superuser_client, ticket, customer, team):
    factories.ticket(customer=customer, team=team)

    customers = superuser_client.get(reverse("admin:tickets_customer_changelist"))
    teams = superuser_client.get(reverse("admin:tickets_team_changelist"))

    assert {c.pk: c.ticket_total for c in customers.context["cl"].result_list} == {customer.pk: 2}
    assert {t.pk: t.open_total for t in teams.context["cl"].result_list} == {team.pk: 2}
    assert Customer.objects.count() == 1
    assert Team.objects.count() == 1
    assert Ticket.objects.count() == 2


def test_the_admin_login_hands_over_to_allauth_and_comes_back(client, agent):
    response = client.get(reverse("admin:login"), {"next": "/admin/tickets/ticket/"})
    posted = client.post(reverse("admin:login"), {"username": "agent", "password": "pw"})

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Ftickets%2Fticket%2F"
    assert posted["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_the_index_groups_training_and_workforce_apart_from_the_help_centre(client, supervisor):
    client.force_login(supervisor)

    apps = {app["app_label"]: app for app in client.get(reverse("admin:index")).context["app_list"]}

    assert (str(apps["training"]["name"]), str(apps["workforce"]["name"])) == ("Training", "Workforce")
    assert [str(entry["name"]) for entry in apps["training"]["models"]] == [
        "Agent awards",
        "My training",
        "Team training matrix",
        "Top agents of the month",
        "Training assignments",
        "Training courses",
    ]
    assert [str(entry["name"]) for entry in apps["workforce"]["models"]] == [
        "Expected events (forecast)",
        "Shift roster",
        "Staffing forecast",
    ]
    assert [str(entry["name"]) for entry in apps["knowledge"]["models"]] == [
        "Articles",
        "Bot conversations",
        "Deflections",
        "Help categories",
        "Macros",
        "Status notices",
        "Unanswered bot questions (hot topics)",
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/knowledge/shift/staffing/?channel=email", "/admin/workforce/shift/staffing/?channel=email"),
        ("/admin/knowledge/forecastevent/", "/admin/workforce/forecastevent/"),
        ("/admin/knowledge/trainingassignment/matrix/", "/admin/training/trainingassignment/matrix/"),
        ("/admin/knowledge/trainingassignment/agent/7/", "/admin/training/trainingassignment/agent/7/"),
        ("/admin/knowledge/agentaward/top/?month=2026-05", "/admin/training/agentaward/top/?month=2026-05"),
        ("/admin/knowledge/trainingcourse/3/change/", "/admin/training/trainingcourse/3/change/"),
    ],
)
def test_bookmarks_of_the_pages_that_left_knowledge_still_open(superuser_client, old, new):
    response = superuser_client.get(old)

    assert (response.status_code, response["Location"]) == (301, new)


def test_the_help_centre_admin_is_not_redirected(superuser_client):
    assert superuser_client.get("/admin/knowledge/article/").status_code == 200
