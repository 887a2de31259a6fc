"""Free-text ticket search by subject (tickets.selectors.search_tickets) on whichever database the suite runs on.

On SQLite it is answered by the FTS5 trigram index of migration 0031 (kept in step by triggers); on PostgreSQL by
the pg_trgm index of 0008. The results must be those of a case-insensitive substring match either way.
"""

import pytest
from django.db import connection

from tests import factories
from tickets import selectors
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def found(term):
    return set(selectors.search_tickets(Ticket.objects.all(), term=term).values_list("subject", flat=True))


def test_a_word_matches_any_part_of_a_subject_in_any_case():
    for subject in ("Phishing site copied our logo", "Antiphishing tips", "Fee too high", "转账一直未到账"):
        factories.TicketFactory(subject=subject)

    assert found("PHISHING") == {"Phishing site copied our logo", "Antiphishing tips"}
    assert found("phish logo") == {"Phishing site copied our logo"}
    assert found("一直未") == {"转账一直未到账"}
    assert found("ee") == {"Fee too high"}  # shorter than a trigram: the plain scan


def test_the_index_follows_subject_changes_and_deletes():
    ticket = factories.TicketFactory(subject="Swap stuck")
    ticket.subject = "Bridge stuck"
    ticket.save(update_fields=["subject"])

    assert found("swap") == set()
    assert found("bridge") == {"Bridge stuck"}
    ticket.delete()
    assert found("bridge") == set()


@pytest.mark.parametrize("term", ['"phishing', 'phish"ing', "NEAR(phishing)", "phish*", "-phishing", "^phishing"])
def test_fts_syntax_in_a_word_is_plain_text(term):
    factories.TicketFactory(subject="Phishing site")

    assert found(term) == set() or found(term) == {"Phishing site"}


def test_many_matches_keep_the_ordering_index_and_the_count_reads_only_the_matches(monkeypatch):
    monkeypatch.setattr("tickets.selectors._INLINE_SUBJECT_MATCHES", 1)
    for number in range(3):
        factories.TicketFactory(subject=f"Phishing report {number}")
    factories.TicketFactory(subject="Other")

    matches = selectors.search_tickets(Ticket.objects.all(), term="phishing")

    assert sorted(matches.order_by("-created_at", "-id").values_list("subject", flat=True)) == [
        "Phishing report 0",
        "Phishing report 1",
        "Phishing report 2",
    ]
    assert matches.order_by().count() == 3
    if connection.vendor == "sqlite":
        ordered = str(matches.order_by("-created_at").query)
        assert '+"tickets_ticket"."id" IN (SELECT rowid FROM tickets_ticket_subject_fts' in ordered
        assert '+"tickets_ticket"' not in str(matches.order_by().values("pk").query)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index exists on SQLite only")
def test_sqlite_answers_a_word_from_the_trigram_index(django_assert_num_queries):
    target = factories.TicketFactory(subject="Phishing site")

    # The index's matches, then the customers whose name or email contains the word.
    with django_assert_num_queries(2) as captured:
        query = selectors.search_tickets(Ticket.objects.all(), term="phishing")
    assert "tickets_ticket_subject_fts MATCH" in captured.captured_queries[0]["sql"]
    assert list(query) == [target]
