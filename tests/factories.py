"""factory_boy factories shared by every test module."""

import time
from datetime import timedelta

import factory
import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from feedback.models import SurveyTemplate
from knowledge import services as knowledge_services
from knowledge.models import (
    Article,
    ArticleKind,
    ArticleStatus,
    ArticleTranslation,
    HelpCategory,
    Macro,
    MacroVariant,
)
from supportdesk.models import ApiScope
from supportdesk.roles import ADMINISTRATOR, AGENT, MANAGER, SECURITY_OFFICER, SENIOR_AGENT, SUPERVISOR
from supportdesk.services import api_token_create
from tickets import services
from tickets.email.models import InboundEmail, InboundSource, InboundStatus, OutboundEmail, OutboundKind
from tickets.models import (
    AgentProfile,
    AuthorKind,
    Category,
    Channel,
    Customer,
    Status,
    Tag,
    Team,
    Ticket,
    TicketMessage,
    Tier,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw")


def staff_user(role: str, *, teams=(), tier: str = Tier.L1, **kwargs):
    """A staff member in a role group; agents and supervisors get an AgentProfile in `teams`."""
    user = UserFactory(is_staff=True, is_superuser=role == ADMINISTRATOR, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    if role in (AGENT, SENIOR_AGENT, SUPERVISOR, SECURITY_OFFICER):
        profile = AgentProfile.objects.create(user=user, tier=tier, languages=["en"])
        profile.teams.set(teams)
    return user


def agent(*, teams=(), **kwargs):
    return staff_user(AGENT, teams=teams, **kwargs)


def senior_agent(*, teams=(), **kwargs):
    return staff_user(SENIOR_AGENT, teams=teams, **kwargs)


def security_officer(*, teams=(), **kwargs):
    return staff_user(SECURITY_OFFICER, teams=teams, **kwargs)


def supervisor(*, teams=(), **kwargs):
    return staff_user(SUPERVISOR, teams=teams, **kwargs)


def manager(**kwargs):
    return staff_user(MANAGER, **kwargs)


def administrator(**kwargs):
    return staff_user(ADMINISTRATOR, **kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    languages = factory.LazyFunction(lambda: ["en"])


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row (tests of behaviour create tickets through services.ticket_create)."""

    class Meta:
        model = Ticket

    subject = factory.Sequence(lambda n: f"Ticket {n}")
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.PORTAL


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketMessage

    ticket = factory.SubFactory(TicketFactory)
    author_kind = AuthorKind.CUSTOMER
    body = factory.Faker("sentence")
    via = Channel.PORTAL


# Uploads -------------------------------------------------------------------

# The smallest valid PNG (1×1, transparent): passes the upload content checks and renders in a browser.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)
PDF_BYTES = b"%PDF-1.7\n%fake pdf body\n"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """An uploaded file as a form or service receives it (the declared type is ignored by the checks)."""
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_upload(name: str = "screenshot.png", content: bytes = PNG_BYTES) -> SimpleUploadedFile:
    return upload(name, content, "image/png")


def text_upload(name: str = "wallet.log", content: bytes = b"sync failed at block 1200\n") -> SimpleUploadedFile:
    return upload(name, content, "text/plain")


# Tickets through the services ---------------------------------------------


def ticket(*, customer=None, team=None, subject: str = "Transfer pending", body: str = "Please help.", **kwargs):
    """A ticket opened the way the portal opens one: by the customer, with a first message and a created event."""
    customer = customer or CustomerFactory()
    return services.ticket_create(
        customer=customer,
        subject=subject,
        body=body,
        channel=kwargs.pop("channel", Channel.PORTAL),
        actor=kwargs.pop("actor", customer.user),
        team=team,
        **kwargs,
    )


# An unfiltered admin changelist asks PostgreSQL's table statistics for its size first
# (supportdesk.kit.paginator.EstimatedCountPaginator); SQLite has none, so one query fewer.
TABLE_ESTIMATE_QUERIES = 1 if connection.vendor == "postgresql" else 0


# The four cases of the one rule every channel applies to a customer's message on an
# existing ticket (tickets.selectors.customer_can_reply), and what the service says to each.
CUSTOMER_REPLY_CASES = {
    "open": None,
    "solved_inside_window": None,
    "solved_outside_window": services.ERROR_REOPEN_WINDOW,
    "closed": services.ERROR_TICKET_CLOSED,
}


def put_in_reply_case(ticket: Ticket, case: str) -> Ticket:
    """Move `ticket` straight into one of CUSTOMER_REPLY_CASES (setup only: no events, no clocks)."""
    now = timezone.now()
    window = timedelta(days=settings.PORTAL_REOPEN_WINDOW_DAYS)
    fields = {
        "open": {"status": Status.OPEN},
        "solved_inside_window": {"status": Status.SOLVED, "resolved_at": now - window + timedelta(hours=1)},
        "solved_outside_window": {"status": Status.SOLVED, "resolved_at": now - window - timedelta(hours=1)},
        "closed": {"status": Status.CLOSED, "resolved_at": now - timedelta(days=1), "closed_at": now},
    }[case]
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    ticket.refresh_from_db()
    return ticket


def error_codes(error: ValidationError) -> set[str]:
    """Every code carried by a ValidationError, whether it is a plain, list or field-keyed error."""
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}


class InboundEmailFactory(factory.django.DjangoModelFactory):
    """A stored inbound mail row (behaviour tests go through inbound_email_receive)."""

    class Meta:
        model = InboundEmail

    dedup_key = factory.Sequence(lambda n: f"{n:064d}")
    message_id = factory.Sequence(lambda n: f"m{n}@example.org")
    source = InboundSource.FILE
    status = InboundStatus.QUARANTINED
    from_address = factory.Sequence(lambda n: f"sender{n}@example.org")
    subject = "Help"
    raw = factory.LazyAttribute(lambda row: f"From: {row.from_address}\r\nSubject: Help\r\n\r\nHi\r\n".encode())
    size = factory.LazyAttribute(lambda row: len(row.raw))
    error = "UnparseableEmail: broken MIME structure"


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    ticket = factory.SubFactory(TicketFactory)
    kind = OutboundKind.ACKNOWLEDGEMENT
    to_address = factory.LazyAttribute(lambda row: row.ticket.customer.email)
    message_id = factory.Sequence(lambda n: f"out{n}@supportdesk.local")


# Feedback --------------------------------------------------------------------


class SurveyInvitationFactory(factory.django.DjangoModelFactory):
    """A survey row for hand-made report data sets (behaviour tests go through feedback.services)."""

    class Meta:
        model = "feedback.SurveyInvitation"

    ticket = factory.SubFactory(TicketFactory)
    customer = factory.SelfAttribute("ticket.customer")
    template = factory.LazyFunction(lambda: SurveyTemplate.objects.get(is_default=True))
    reason = "ticket_solved"
    resolved_at = factory.LazyFunction(timezone.now)
    channel = Channel.PORTAL
    language = "en"
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda invitation: invitation.created_at + timedelta(days=28))


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.SurveyResponse"

    invitation = factory.SubFactory(SurveyInvitationFactory, answered_at=factory.LazyFunction(timezone.now))
    overall = 5


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.Suggestion"

    title = factory.Sequence(lambda n: f"Suggestion {n}")
    body = "Please add dark mode."
    category = "product_feature"
    channel = Channel.PORTAL


# Complaints through the services ------------------------------------------

RESOLUTION_TEXT = "The network fee was set by the chain; we refund the service fee we charged on top."


def complaint(*, ticket, actor, stage: str = "intake", remedy_kind: str = "explanation", amount=None, asset: str = ""):
    """A complaint opened by `actor` on `ticket` and walked forward (intake → investigation → resolution
    proposed → awaiting confirmation) to `stage`, with one remedy and a resolution text on the way."""
    from tickets.complaints import services as complaint_services
    from tickets.complaints.models import ComplaintSubject, Stage

    opened = complaint_services.complaint_open(ticket=ticket, subject=ComplaintSubject.FEES, actor=actor)
    path = [Stage.INVESTIGATION, Stage.RESOLUTION_PROPOSED, Stage.AWAITING_CONFIRMATION]
    for target in path[: path.index(stage) + 1] if stage in path else []:
        if target == Stage.RESOLUTION_PROPOSED:
            complaint_services.remedy_propose(
                complaint=opened, kind=remedy_kind, actor=actor, amount=amount, asset=asset, description="Sorry."
            )
        if target == Stage.AWAITING_CONFIRMATION:
            complaint_services.complaint_update(complaint=opened, actor=actor, resolution_summary=RESOLUTION_TEXT)
        opened = complaint_services.complaint_change_stage(complaint=opened, stage=target, actor=actor)
    return opened


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag-{n}")


class HelpCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpCategory

    name = factory.Sequence(lambda n: f"Help topic {n}")
    slug = factory.Sequence(lambda n: f"help-topic-{n}")


def kb_article(
    *,
    author,
    translations: dict[str, tuple[str, str]],
    status: str = ArticleStatus.PUBLISHED,
    category: HelpCategory | None = None,
    slug: str | None = None,
    kind: str = ArticleKind.FAQ,
    **fields,
) -> Article:
    """An article built through the services: {language: (title, markdown body)}, moved to `status`."""
    article = knowledge_services.article_save(
        article=Article(
            slug=slug or f"article-{Article.objects.count() + 1}",
            kind=kind,
            category=category or HelpCategoryFactory(),
            **fields,
        ),
        actor=author,
    )
    for language, (title, body) in translations.items():
        knowledge_services.article_translation_save(
            translation=ArticleTranslation(article=article, language=language, title=title, body=body), actor=author
        )
    if status != ArticleStatus.DRAFT:
        knowledge_services.article_change_status(article=article, status=ArticleStatus.IN_REVIEW, actor=author)
    if status in (ArticleStatus.PUBLISHED, ArticleStatus.ARCHIVED):
        knowledge_services.article_change_status(article=article, status=ArticleStatus.PUBLISHED, actor=author)
    if status == ArticleStatus.ARCHIVED:
        knowledge_services.article_change_status(article=article, status=ArticleStatus.ARCHIVED, actor=author)
    article.refresh_from_db()
    return article


def kb_macro(*, title: str = "Macro", bodies: dict[str, str] | None = None, tags=(), **fields) -> Macro:
    author = UserFactory(username="macro-author", is_staff=True, is_superuser=True)
    macro = knowledge_services.macro_save(macro=Macro(title=title, **fields), actor=author, tags=list(tags))
    for language, body in (bodies or {"en": "Hello {{ customer.name }}"}).items():
        knowledge_services.macro_variant_save(
            variant=MacroVariant(macro=macro, language=language, body=body), actor=author
        )
    return macro


class TrainingCourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "training.TrainingCourse"

    title = factory.Sequence(lambda n: f"Course {n}")
    topic = "product"
    format = "self_study"


def mandatory_course(title: str, *, roles=(), teams=(), tier: str = ""):
    """A mandatory course for the given role groups (by name), teams and tier; empty means any."""
    course = TrainingCourseFactory(title=title, is_mandatory=True, mandatory_tier=tier)
    course.mandatory_roles.set(Group.objects.filter(name__in=roles))
    course.mandatory_teams.set(teams)
    return course


def low_ratings(*, agent, count: int, attitude: int = 1, overall: int = 3, **ratings) -> None:
    """`count` answered surveys about `agent`'s tickets with the given dimension ratings."""
    for _n in range(count):
        ticket = TicketFactory(assignee=agent)
        invitation = SurveyInvitationFactory(ticket=ticket, agent=agent, team=ticket.team, answered_at=timezone.now())
        SurveyResponseFactory(invitation=invitation, overall=overall, attitude=attitude, **ratings)


def rated_answers(*, agent, count: int, overall: int, team=None, at=None, solved: bool = True, **ratings) -> None:
    """`count` answered surveys about `agent`'s tickets sent at `at` (default now); the tickets are created then too,
    and resolved unless `solved` is False (the scorecard's solved volume)."""
    at = at or timezone.now()
    for _n in range(count):
        ticket = TicketFactory(assignee=agent, team=team, created_at=at, resolved_at=at if solved else None)
        invitation = SurveyInvitationFactory(ticket=ticket, agent=agent, team=team, created_at=at, answered_at=at)
        SurveyResponseFactory(invitation=invitation, overall=overall, **ratings)


def token_client(user, scope=ApiScope.WRITE) -> APIClient:
    """An API client authenticated by a fresh staff token of `user`."""
    _token, plain = api_token_create(user=user, name="test", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client


def customer_token(secret: str, email: str, *, expires_in: int = 300, **claims) -> str:
    """The X-Customer-Token the wallet backend signs for the customer it vouches for."""
    now = int(time.time())
    standard = {"sub": email, "iat": now, "exp": now + expires_in, "aud": "supportdesk", "iss": "wallet-backend"}
    return jwt.encode({**standard, **claims}, secret, algorithm="HS256")


def verified_identity(ticket, *, at=None):
    """A verification of the ticket's customer that succeeded at `at` (now by default)."""
    from tickets.safety.models import IdentityVerification, VerificationStatus

    at = at or timezone.now()
    return IdentityVerification.objects.create(
        ticket=ticket, channels="email", code_hash="-", status=VerificationStatus.VERIFIED, expires_at=at,
        verified_at=at, verified_through="portal",
    )  # fmt: skip
