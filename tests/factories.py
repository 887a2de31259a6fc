"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from supportdesk.roles import ADMINISTRATOR, AGENT, MANAGER, SUPERVISOR
from tickets import services
from tickets.models import AgentProfile, AuthorKind, Category, Channel, Customer, Team, Ticket, TicketMessage, Tier


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
    if role in (AGENT, SUPERVISOR):
        profile = AgentProfile.objects.create(user=user, tier=tier, languages=["en"])
        profile.teams.set(teams)
    return user


def agent(*, teams=(), **kwargs):
    return staff_user(AGENT, teams=teams, **kwargs)


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

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"fake image data"
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


def error_codes(error: ValidationError) -> set[str]:
    """Every code carried by a ValidationError, whether it is a plain, list or field-keyed error."""
    if hasattr(error, "error_dict"):
        return {item.code for items in error.error_dict.values() for item in items}
    return {item.code for item in error.error_list}
