import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from knowledge import services
from knowledge.models import Article, ArticleKind, ArticleStatus, ArticleTranslation, ArticleVote, DeflectionEvent
from knowledge.services.articles import ERROR_INVALID_TRANSITION, ERROR_NEEDS_ENGLISH
from tests import factories


@pytest.fixture
def article(editor):
    return factories.kb_article(author=editor, slug="backup", translations={"en": ("Back up", "Write it down.")})


def test_saving_a_translation_renders_sanitised_html_and_search_text(editor):
    draft = factories.kb_article(
        author=editor,
        status=ArticleStatus.DRAFT,
        translations={"zh-hans": ("备份助记词", "**重要** <img src=x onerror=alert(1)>")},
    )
    translation = draft.translations.get()

    assert "<strong>重要</strong>" in translation.body_html
    assert "<img" not in translation.body_html
    assert translation.search_title.split() == ["备份", "份助", "助记", "记词"]


def test_an_article_moves_through_the_workflow_and_records_its_reviewer(editor):
    article = factories.kb_article(author=editor, status=ArticleStatus.IN_REVIEW, translations={"en": ("T", "B")})
    reviewer = factories.administrator(username="reviewer")

    published = services.article_change_status(article=article, status=ArticleStatus.PUBLISHED, actor=reviewer)

    assert published.status == ArticleStatus.PUBLISHED
    assert published.reviewed_by == reviewer
    assert published.published_at is not None


def test_a_draft_cannot_jump_to_published(editor):
    article = factories.kb_article(author=editor, status=ArticleStatus.DRAFT, translations={"en": ("T", "B")})

    with pytest.raises(ValidationError) as error:
        services.article_change_status(article=article, status=ArticleStatus.PUBLISHED, actor=editor)

    assert error.value.code == ERROR_INVALID_TRANSITION
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_only_a_reviewer_publishes(editor, agent):
    article = factories.kb_article(author=editor, status=ArticleStatus.IN_REVIEW, translations={"en": ("T", "B")})

    with pytest.raises(PermissionDenied):
        services.article_change_status(article=article, status=ArticleStatus.PUBLISHED, actor=agent)


def test_publishing_needs_an_english_translation(editor):
    article = factories.kb_article(
        author=editor, status=ArticleStatus.IN_REVIEW, translations={"zh-hans": ("标题", "正文")}
    )

    with pytest.raises(ValidationError) as error:
        services.article_change_status(article=article, status=ArticleStatus.PUBLISHED, actor=editor)

    assert error.value.code == ERROR_NEEDS_ENGLISH


def test_the_english_translation_of_a_published_article_cannot_be_deleted(article, editor):
    with pytest.raises(ValidationError):
        services.article_translation_delete(translation=article.translations.get(language="en"), actor=editor)

    assert ArticleTranslation.objects.filter(article=article).count() == 1


@pytest.mark.parametrize(
    ("kind", "video_url", "field"),
    [
        (ArticleKind.VIDEO, "", "video_url"),
        (ArticleKind.VIDEO, "https://evil.example/video", "video_url"),
        (ArticleKind.FAQ, "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "video_url"),
    ],
)
def test_video_links_are_validated(kind, video_url, field):
    with pytest.raises(ValidationError) as error:
        services.validate_article(kind=kind, video_url=video_url, pinned_until=None)

    assert field in error.value.error_dict


def test_only_announcements_and_alerts_are_pinned(editor):
    with pytest.raises(ValidationError) as error:
        services.validate_article(kind=ArticleKind.FAQ, video_url="", pinned_until="2030-01-01")

    assert "pinned_until" in error.value.error_dict


def test_voting_twice_keeps_one_vote_per_user(article, customer_user):
    services.article_vote(article=article, helpful=True, user=customer_user)
    services.article_vote(article=article, helpful=True, user=customer_user)

    article.refresh_from_db()
    assert ArticleVote.objects.filter(article=article).count() == 1
    assert (article.helpful_count, article.not_helpful_count) == (1, 0)


def test_changing_a_vote_moves_the_counters(article, customer_user):
    services.article_vote(article=article, helpful=True, user=customer_user)
    services.article_vote(article=article, helpful=False, user=customer_user)

    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (0, 1)


def test_anonymous_votes_count_once_per_session(article):
    from django.contrib.auth.models import AnonymousUser

    for session_key in ("session-a", "session-a", "session-b"):
        services.article_vote(article=article, helpful=True, user=AnonymousUser(), session_key=session_key)

    article.refresh_from_db()
    assert article.helpful_count == 2


def test_a_vote_needs_a_user_or_a_session(article):
    with pytest.raises(ValidationError):
        services.article_vote(article=article, helpful=True, user=None, session_key="")


def test_a_deflection_is_recorded_with_the_typed_subject(article, customer_user):
    services.deflection_record(article=article, query="  my   backup  ", user=customer_user, session_key="s")

    event = DeflectionEvent.objects.get()
    assert (event.article, event.query, event.user) == (article, "my backup", customer_user)
