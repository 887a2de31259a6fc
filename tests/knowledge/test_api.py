import pytest

from knowledge.models import ArticleKind, ArticleStatus
from tests import factories
from tests.factories import token_client


def test_anonymous_visitors_list_only_published_articles(api, editor, article, english_only):
    factories.kb_article(author=editor, slug="draft", status=ArticleStatus.DRAFT, translations={"en": ("D", "d")})
    factories.kb_article(author=editor, slug="old", status=ArticleStatus.ARCHIVED, translations={"en": ("O", "o")})

    response = api.get("/api/v1/articles/")

    assert response.status_code == 200
    assert [row["slug"] for row in response.json()["results"]] == ["dapp", "backup"]
    assert response.json()["results"][1]["category"] == {"slug": "security", "name": "Security"}


def test_language_parameter_wins_and_missing_translations_fall_back_to_english(api, article, english_only):
    response = api.get("/api/v1/articles/?language=zh-hans", HTTP_ACCEPT_LANGUAGE="fr")

    rows = {row["slug"]: row for row in response.json()["results"]}
    assert (rows["backup"]["title"], rows["backup"]["language"], rows["backup"]["is_fallback"]) == (
        "如何备份助记词",
        "zh-hans",
        False,
    )
    assert (rows["dapp"]["language"], rows["dapp"]["is_fallback"]) == ("en", True)
    assert rows["backup"]["category"]["name"] == "安全"
    assert response["Content-Language"] == "zh-hans"


def test_accept_language_is_used_without_the_parameter(api, article):
    detail = api.get("/api/v1/articles/backup/", HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9").json()

    assert (detail["title"], detail["is_fallback"]) == ("如何备份助记词", False)
    assert "<strong>抄写</strong>" in detail["body_html"]


def test_filters_by_category_tree_and_kind(api, editor, article, category):
    child = factories.HelpCategoryFactory(slug="phishing", parent=category)
    alert = factories.kb_article(
        author=editor,
        slug="alert",
        category=child,
        kind=ArticleKind.SECURITY_ALERT,
        translations={"en": ("Phishing alert", "Beware.")},
    )
    factories.kb_article(author=editor, slug="elsewhere", translations={"en": ("Fees", "Fees.")})

    by_category = api.get("/api/v1/articles/?category=security").json()["results"]
    by_kind = api.get("/api/v1/articles/?kind=security_alert").json()["results"]

    assert [row["slug"] for row in by_category] == [alert.slug, article.slug]
    assert [row["slug"] for row in by_kind] == [alert.slug]


def test_search_uses_the_help_centre_search(api, article, english_only):
    body = api.get("/api/v1/articles/?q=recovery phrase").json()

    assert [row["slug"] for row in body["results"]] == ["backup"]
    assert body["next"] is None
    assert api.get("/api/v1/articles/?q=recovery phrase&kind=guide").json()["results"] == []
    assert [row["slug"] for row in api.get("/api/v1/articles/?q=recovery&category=security").json()["results"]] == [
        "backup"
    ]


def test_unpublished_or_unknown_articles_are_404(api, editor):
    factories.kb_article(author=editor, slug="draft", status=ArticleStatus.DRAFT, translations={"en": ("D", "d")})

    for slug in ("draft", "nope"):
        response = api.get(f"/api/v1/articles/{slug}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.get("/api/v1/articles/?category=nope").status_code == 404


def test_bad_parameters_are_field_errors(api, db):
    response = api.get("/api/v1/articles/?language=xx&kind=poem")

    error = response.json()["error"]
    assert response.status_code == 400
    assert {field: items[0]["code"] for field, items in error["fields"].items()} == {
        "language": "invalid_choice",
        "kind": "invalid_choice",
    }


def test_staff_tokens_may_read_articles_too(agent, article):
    assert token_client(agent).get("/api/v1/articles/backup/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 20])
def test_article_list_query_count_does_not_grow_with_rows(rows, api, editor, category, django_assert_num_queries):
    for n in range(rows):
        factories.kb_article(
            author=editor, slug=f"a{n}", category=category, translations={"en": (f"A{n}", "x"), "fr": (f"F{n}", "y")}
        )
    # the page of articles with their categories, their translations
    with django_assert_num_queries(2):
        response = api.get("/api/v1/articles/?language=fr&page_size=100")
    assert len(response.json()["results"]) == rows
