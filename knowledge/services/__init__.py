"""Every write of the knowledge app (articles, votes, deflections, macros, the FAQ bot).

Keyword-only, atomic; domain errors are ValidationError with a code from these modules.
"""

from knowledge.services.articles import (
    article_change_status,
    article_save,
    article_translation_delete,
    article_translation_save,
    article_vote,
    deflection_query_hold,
    deflection_query_of,
    deflection_record,
    help_category_save,
    validate_article,
)
from knowledge.services.bot import (
    BotReply,
    bot_ask,
    bot_conversation_for,
    bot_feedback,
    bot_handoff,
    bot_handoff_confirm,
    bot_handoff_from_token,
    bot_handoff_preview,
    bot_handoff_request,
    bot_handoff_token,
)
from knowledge.services.macros import (
    macro_apply,
    macro_render,
    macro_save,
    macro_variant_delete,
    macro_variant_save,
    validate_macro_body,
)
from knowledge.services.publishing import article_push_to_channels

__all__ = [
    "BotReply",
    "article_change_status",
    "article_push_to_channels",
    "article_save",
    "article_translation_delete",
    "article_translation_save",
    "article_vote",
    "bot_ask",
    "bot_conversation_for",
    "bot_feedback",
    "bot_handoff",
    "bot_handoff_confirm",
    "bot_handoff_from_token",
    "bot_handoff_preview",
    "bot_handoff_request",
    "bot_handoff_token",
    "deflection_query_hold",
    "deflection_query_of",
    "deflection_record",
    "help_category_save",
    "macro_apply",
    "macro_render",
    "macro_save",
    "macro_variant_delete",
    "macro_variant_save",
    "validate_article",
    "validate_macro_body",
]
