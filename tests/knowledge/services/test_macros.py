import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knowledge import services
from knowledge.models import Macro, MacroVariant
from knowledge.services.macros import (
    ERROR_BODY_TOO_LONG,
    ERROR_EMPTY_BODY,
    ERROR_MALFORMED_PLACEHOLDER,
    ERROR_UNKNOWN_LANGUAGE,
    ERROR_UNKNOWN_PLACEHOLDER,
    MAX_BODY_LENGTH,
)
from tests import factories
from tickets import services as ticket_services
from tickets.models import Channel, EventKind, Priority, Status, Tag


@pytest.fixture
def ticket(customer, team):
    return ticket_services.ticket_create(
        customer=customer, subject="Transfer stuck", body="Help", channel=Channel.PORTAL, team=team
    )


def test_placeholders_are_filled_from_the_ticket_customer_and_agent(ticket, agent):
    agent.first_name = "Li"
    macro = factories.kb_macro(bodies={"en": "Hi {{customer.name}}, re {{ ticket.reference }}. {{ agent.first_name }}"})

    text = services.macro_render(macro=macro, ticket=ticket, agent=agent)

    assert text == f"Hi Alice, re {ticket.reference}. Li"


def test_the_ticket_language_variant_is_used_with_english_fallback(ticket, agent):
    macro = factories.kb_macro(bodies={"en": "Hello {{ customer.name }}", "zh-hans": "{{ customer.name }} 您好"})
    ticket.language = "zh-hans"
    assert services.macro_render(macro=macro, ticket=ticket, agent=agent) == "Alice 您好"
    ticket.language = "fr"
    assert services.macro_render(macro=macro, ticket=ticket, agent=agent) == "Hello Alice"


def test_placeholder_values_are_not_template_code(ticket, agent):
    ticket.customer.name = "{{ agent.name }} {% load x %}"
    macro = factories.kb_macro(bodies={"en": "Hi {{ customer.name }}"})

    assert services.macro_render(macro=macro, ticket=ticket, agent=agent) == "Hi {{ agent.name }} {% load x %}"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("Hi {{ custmer.name }}", ERROR_UNKNOWN_PLACEHOLDER),
        ("Hi {{ customer.password }}", ERROR_UNKNOWN_PLACEHOLDER),
        ("Hi {{ customer.name }", ERROR_MALFORMED_PLACEHOLDER),
        ("Hi {{ customer.name|upper }}", ERROR_MALFORMED_PLACEHOLDER),
        ("Hi }} {{", ERROR_MALFORMED_PLACEHOLDER),
        ("", ERROR_EMPTY_BODY),
        (" \r\n\t ", ERROR_EMPTY_BODY),
        pytest.param("x" * (MAX_BODY_LENGTH + 1), ERROR_BODY_TOO_LONG, id="too-long"),
    ],
)
def test_saving_a_macro_with_a_bad_placeholder_is_refused(db, body, code):
    macro = factories.kb_macro(bodies={"en": "ok"})
    variant = macro.variants.get()
    variant.body = body
    with pytest.raises(ValidationError) as error:
        services.macro_variant_save(variant=variant, actor=factories.administrator())

    assert error.value.code == code
    assert macro.variants.get().body == "ok"


def test_a_macro_text_in_an_unknown_language_is_refused(db):
    macro = factories.kb_macro(bodies={"en": "ok"})

    with pytest.raises(ValidationError) as error:
        services.macro_variant_save(
            variant=MacroVariant(macro=macro, language="xx-klingon", body="Hi"), actor=factories.administrator()
        )

    assert error.value.code == ERROR_UNKNOWN_LANGUAGE
    assert list(macro.variants.values_list("language", flat=True)) == ["en"]


def test_applying_a_macro_replies_runs_its_actions_and_counts_the_use(ticket, agent):
    tag = Tag.objects.create(name="transfer")
    macro = factories.kb_macro(
        bodies={"en": "Please send the hash, {{ customer.name }}."},
        set_status=Status.PENDING_CUSTOMER,
        set_priority=Priority.HIGH,
        tags=[tag],
    )

    services.macro_apply(macro=macro, ticket=ticket, body="Please send the hash, Alice.", actor=agent)

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_CUSTOMER
    assert ticket.priority == Priority.HIGH
    assert list(ticket.tags.values_list("name", flat=True)) == ["transfer"]
    assert ticket.messages.last().body == "Please send the hash, Alice."
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert {EventKind.PRIORITY, EventKind.TAGS, EventKind.REPLY, EventKind.STATUS} <= set(kinds)
    assert Macro.objects.get(pk=macro.pk).usage_count == 1


def test_a_failing_macro_action_leaves_the_ticket_untouched(ticket, agent):
    ticket_services.ticket_change_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    macro = factories.kb_macro(set_status=Status.PENDING_CUSTOMER, set_priority=Priority.URGENT)

    with pytest.raises(ValidationError):
        services.macro_apply(macro=macro, ticket=ticket, body="Hello", actor=agent)

    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL
    assert ticket.messages.count() == 1
    assert Macro.objects.get(pk=macro.pk).usage_count == 0


def test_macro_visibility_follows_team_and_owner(agent, other_agent, team, other_team):
    shared = factories.kb_macro(title="shared")
    mine = factories.kb_macro(title="mine", owner=agent)
    factories.kb_macro(title="theirs", owner=other_agent)
    my_team = factories.kb_macro(title="my team", team=team)
    factories.kb_macro(title="other team", team=other_team)
    factories.kb_macro(title="inactive", is_active=False)

    assert set(Macro.objects.usable_by(agent)) == {shared, mine, my_team}


def test_template_tags_in_a_macro_stay_plain_text(ticket, agent):
    macro = factories.kb_macro(bodies={"en": "{% if x %}{{ customer.name }}"})

    assert services.macro_render(macro=macro, ticket=ticket, agent=agent) == "{% if x %}Alice"


@pytest.mark.parametrize(
    ("language", "body"),
    [
        ("en", "To restore access, please send us your 12-word recovery phrase."),
        ("zh-hans", "为了恢复账户，请把您的助记词发给我们。"),
    ],
)
def test_a_macro_that_asks_for_a_wallet_secret_is_refused_when_saved(db, language, body):
    with pytest.raises(ValidationError) as error:
        factories.kb_macro(title="Bad", bodies={language: body})

    assert error.value.code == "secret_request"
    assert not Macro.objects.filter(title="Bad", variants__isnull=False).exists()


def test_a_macro_that_warns_about_secrets_is_saved(db):
    macro = factories.kb_macro(
        title="Safety", bodies={"en": "We will never ask for your recovery phrase. Never share it with anyone."}
    )

    assert macro.variants.get().language == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_actor", "allowed"),
    [
        (factories.senior_agent, True),
        (factories.supervisor, True),
        (factories.agent, False),
        (factories.manager, False),
    ],
)
def test_the_macro_service_checks_the_role_itself(make_actor, allowed):
    macro = Macro(title="Gas fees")

    if allowed:
        services.macro_save(macro=macro, actor=make_actor())
    else:
        with pytest.raises(PermissionDenied):
            services.macro_save(macro=macro, actor=make_actor())

    assert Macro.objects.filter(title="Gas fees").exists() is allowed
