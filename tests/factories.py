"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
    """A bare ticket row (tests of behaviour create tickets through knowledge_services.ticket_create)."""

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


# Knowledge ------------------------------------------------------------------------


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
    macro = knowledge_services.macro_save(macro=Macro(title=title, **fields), actor=None, tags=list(tags))
    for language, body in (bodies or {"en": "Hello {{ customer.name }}"}).items():
        knowledge_services.macro_variant_save(
            variant=MacroVariant(macro=macro, language=language, body=body), actor=None
        )
    return macro
