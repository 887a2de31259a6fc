"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from supportdesk.roles import ADMINISTRATOR, AGENT, MANAGER, SUPERVISOR
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


# The smallest valid PNG (1×1, transparent): passes the upload content checks.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def png_upload(name: str = "screenshot.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")
