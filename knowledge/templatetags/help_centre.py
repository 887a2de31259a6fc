"""Help-centre pieces other apps' templates can show without importing the knowledge app.

The portal home (a tickets view) renders the pinned security alerts and, for
a search typed there, the matching articles through these tags.
"""

from django import template
from django.utils.translation import get_language

from knowledge.selectors import article_search, pinned_notices

register = template.Library()


@register.inclusion_tag("knowledge/portal/_notices.html")
def help_notices() -> dict:
    return {"notices": pinned_notices(get_language() or "en")}


@register.inclusion_tag("knowledge/portal/_search_results.html")
def help_search_results(query: str, limit: int = 5) -> dict:
    return {"query": query, "cards": article_search(query, get_language() or "en", limit=limit) if query else []}
