"""Portal pages of the help centre and the FAQ bot (thin: selectors read, services write).

Anonymous visitors may read, vote (one vote per session) and chat with the
bot. A signed-in customer hands a conversation to a person at once; an
anonymous visitor leaves an email address and the hand-off waits until they
open the link mailed to it (the contact form's pattern: tickets.portal.contact).
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from knowledge import selectors, services
from knowledge import support_hours as support_hours_selectors
from knowledge.forms import BotHandoffEmailForm
from knowledge.models import BotMessage, BotRole
from knowledge.selectors import ArticleCard
from knowledge.text import video_embed_url
from tickets.portal.views import add_service_errors
from tickets.selectors import first_reply_promise

BOT_SESSION_KEY = "knowledge_bot_conversation"
# Mailing a hand-off link is limited like the contact form: per IP and address, and per session.
RATE_LIMIT_ACTION = "bot_handoff"
RATE_LIMIT_SESSION_ACTION = "bot_handoff_session"
# Questions: per client IP and per visitor session (ACCOUNT_RATE_LIMITS), signed in or not.
BOT_ASK_ACTION = "bot_ask"
BOT_ASK_SESSION_ACTION = "bot_ask_session"
SUGGEST_MIN_LENGTH = 2
ARTICLES_PER_PAGE = 20


def _language() -> str:
    return get_language() or "en"


def _session_key(request: HttpRequest) -> str:
    """The session key, creating the session for an anonymous visitor who votes."""
    if request.session.session_key is None:
        request.session.save()
    return request.session.session_key


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_GET
def help_home(request: HttpRequest) -> HttpResponse:
    language = _language()
    return render(
        request,
        "knowledge/portal/home.html",
        {
            "categories": selectors.help_categories(language),
            "notices": selectors.pinned_notices(language),
            "popular": selectors.popular_articles(language),
        },
    )


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    help_category = selectors.category_for_customer(slug)
    page = Paginator(selectors.category_articles(help_category, language), ARTICLES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    cards = selectors.article_cards(page, language)
    return render(request, "knowledge/portal/category.html", {"category": help_category, "page": page, "cards": cards})


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    language = _language()
    card = selectors.article_for_customer(slug, language)
    if request.GET.get("from") == "suggest":
        services.deflection_record(
            article=card.article,
            query=services.deflection_query_of(token=request.GET.get("d", ""), session=request.session),
            user=request.user,
            session_key=request.session.session_key or "",
        )
    context = {
        "card": card,
        "translation": card.translation,
        "embed_url": video_embed_url(card.article.video_url),
        "related": selectors.related_articles(card.article, language),
        "my_vote": selectors.visitor_vote(
            card.article, user=request.user, session_key=request.session.session_key or ""
        ),
    }
    return render(request, "knowledge/portal/article.html", context)


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    card = selectors.article_for_customer(slug, _language())
    helpful = request.POST.get("helpful") == "yes"
    services.article_vote(article=card.article, helpful=helpful, user=request.user, session_key=_session_key(request))
    if _wants_json(request):
        return JsonResponse({"helpful": helpful})
    messages.success(request, _("Thank you for your feedback."))
    return redirect("knowledge:article", slug=slug)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = selectors.article_search(query, _language(), limit=30) if query else []
    return render(request, "knowledge/portal/search.html", {"query": query, "results": results})


def _card_json(card: ArticleCard, *, query_token: str = "") -> dict:
    url = reverse("knowledge:article", args=[card.article.slug])
    return {
        "title": card.translation.title,
        "summary": card.translation.summary,
        "url": url,
        "suggest_url": f"{url}?from=suggest&d={query_token}" if query_token else url,
        "kind": card.article.get_kind_display(),
    }


@require_POST
def suggest(request: HttpRequest) -> JsonResponse:
    """Articles matching a request subject being typed (deflection). Opening one is recorded as a deflection.

    POST, so the text is never in a URL; the links carry a short token for it instead.
    """
    query = " ".join(request.POST.get("q", "").split())[:200]
    if len(query) < SUGGEST_MIN_LENGTH:
        return JsonResponse({"results": []})
    cards = selectors.article_search(query, _language(), limit=5)
    if not cards:
        return JsonResponse({"results": []})
    token = services.deflection_query_hold(query=query, session=request.session)
    return JsonResponse({"results": [_card_json(card, query_token=token) for card in cards]})


# FAQ bot ---------------------------------------------------------------------


def _conversation(request: HttpRequest):
    conversation = services.bot_conversation_for(
        token=request.session.get(BOT_SESSION_KEY), user=request.user, language=_language()
    )
    request.session[BOT_SESSION_KEY] = str(conversation.token)
    return conversation


def _message_json(message: BotMessage) -> dict:
    data = {"id": message.pk, "role": message.role, "text": message.text}
    if message.article_id:
        data["article_url"] = reverse("knowledge:article", args=[message.article.slug])
    return data


def _bot_page(request: HttpRequest, *, handoff_form: BotHandoffEmailForm | None = None, status: int = 200):
    conversation = selectors.bot_conversation_in_session(token=request.session.get(BOT_SESSION_KEY), user=request.user)
    transcript = selectors.bot_transcript(conversation)
    last_bot = next((message for message in reversed(transcript) if message.role == BotRole.BOT), None)
    handoff_form = handoff_form or BotHandoffEmailForm()
    context = {
        "conversation": conversation,
        "transcript": transcript,
        "offer_handoff": bool(handoff_form.errors)
        or (last_bot is not None and last_bot.article_id is None and conversation.handoff_ticket is None),
        "handoff_form": handoff_form,
    }
    return render(request, "knowledge/portal/bot.html", context, status=status)


@require_GET
def bot(request: HttpRequest) -> HttpResponse:
    return _bot_page(request)


def _bot_refused(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    """A refused bot request: JSON for the widget, a message on the bot page without JavaScript."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return redirect("knowledge:bot")


@require_POST
def bot_ask(request: HttpRequest) -> HttpResponse:
    if not (
        ratelimit.consume(request, action=BOT_ASK_ACTION)
        and ratelimit.consume(request, action=BOT_ASK_SESSION_ACTION, key=_session_key(request))
    ):
        return _bot_refused(request, _("You are asking too quickly. Please wait a minute."), status=429)
    conversation = _conversation(request)
    try:
        reply = services.bot_ask(conversation=conversation, text=request.POST.get("question", ""))
    except ValidationError as error:
        return _bot_refused(request, " ".join(error.messages))
    if not _wants_json(request):
        return redirect("knowledge:bot")
    return JsonResponse(
        {
            "question": _message_json(reply.question),
            "message": _message_json(reply.message),
            "answer": _card_json(reply.answer) if reply.answer else None,
            "suggestions": [_card_json(card) for card in reply.suggestions],
            "offer_handoff": reply.offer_handoff,
        }
    )


@require_POST
def bot_feedback(request: HttpRequest) -> HttpResponse:
    conversation = selectors.bot_conversation_in_session(token=request.session.get(BOT_SESSION_KEY), user=request.user)
    try:
        message_id = int(request.POST.get("message", ""))
    except ValueError:
        message_id = 0
    if conversation is None or not conversation.messages.filter(pk=message_id, article__isnull=False).exists():
        return JsonResponse({"error": _("Unknown answer.")}, status=404)
    helpful = request.POST.get("helpful") == "yes"
    services.bot_feedback(conversation=conversation, message_id=message_id, helpful=helpful)
    if not _wants_json(request):
        return redirect("knowledge:bot")
    return JsonResponse({"helpful": helpful, "offer_handoff": not helpful})


@require_POST
def bot_handoff(request: HttpRequest) -> HttpResponse:
    conversation = selectors.bot_conversation_in_session(token=request.session.get(BOT_SESSION_KEY), user=request.user)
    login_url = redirect_to_login(reverse("knowledge:bot"))["Location"]
    if conversation is None:
        return JsonResponse({"error": _("Ask the bot your question first.")}, status=400)
    try:
        ticket = services.bot_handoff(
            conversation=conversation, user=request.user, base_url=request.build_absolute_uri("/").rstrip("/")
        )
    except PermissionDenied as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error), "login_url": login_url}, status=403)
        return redirect(login_url)
    except ValidationError as error:
        return _bot_refused(request, " ".join(error.messages))
    if not _wants_json(request):
        return redirect("knowledge:bot")
    last = conversation.messages.order_by("-created_at", "-id").first()
    return JsonResponse({"reference": ticket.reference, "message": _message_json(last)})


def _handoff_form_invalid(request: HttpRequest, form: BotHandoffEmailForm) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse(
            {"error": _("Please check the highlighted fields."), "errors": form.errors.get_json_data()}, status=400
        )
    return _bot_page(request, handoff_form=form, status=400)


@require_POST
def bot_handoff_email(request: HttpRequest) -> HttpResponse:
    """An anonymous visitor asks for a person: their address gets a confirmation link, no ticket yet."""
    conversation = selectors.bot_conversation_in_session(token=request.session.get(BOT_SESSION_KEY), user=request.user)
    if conversation is None:
        return _bot_refused(request, _("Ask the bot your question first."))
    form = BotHandoffEmailForm(request.POST)
    if not form.is_valid():
        return _handoff_form_invalid(request, form)
    data = form.cleaned_data
    if not (
        ratelimit.consume(request, action=RATE_LIMIT_SESSION_ACTION, key=_session_key(request))
        and ratelimit.consume(request, action=RATE_LIMIT_ACTION, key=data["email"].lower())
    ):
        return _bot_refused(
            request, _("Too many requests were sent from here. Please try again in an hour."), status=429
        )
    try:
        conversation = services.bot_handoff_request(
            conversation=conversation,
            email=data["email"],
            name=data["name"],
            user=request.user,
            site_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            add_service_errors(form, error)
            return _handoff_form_invalid(request, form)
        return _bot_refused(request, " ".join(error.messages))
    notice = _(
        "Check your email: we sent a link to %(email)s. Your conversation reaches our team once you open it."
    ) % {"email": conversation.handoff_email}
    if not _wants_json(request):
        messages.success(request, notice)
        return redirect("knowledge:bot")
    return JsonResponse({"pending": True, "email": conversation.handoff_email, "message": notice})


@require_http_methods(["GET", "POST"])
def bot_handoff_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the conversation and a button; only the POST creates the ticket (mail scanners follow links)."""
    template = "knowledge/portal/handoff_confirm.html"
    try:
        conversation = services.bot_handoff_from_token(token)
        ticket = conversation.handoff_ticket
        if request.method == "POST" and ticket is None:
            ticket = services.bot_handoff_confirm(
                conversation=conversation, base_url=request.build_absolute_uri("/").rstrip("/")
            )
    except ValidationError as error:
        return render(request, template, {"error": " ".join(error.messages)}, status=400)
    context = {
        "conversation": conversation,
        "ticket": ticket,
        "confirmed": ticket is not None,
        "preview": services.bot_handoff_preview(conversation) if ticket is None else "",
        "reply_promise": first_reply_promise(ticket=ticket),
    }
    return render(request, template, context)


@require_GET
def support_hours(request: HttpRequest) -> HttpResponse:
    """Each team's hours in the visitor's time zone, holidays, open or closed now, and incident notices.

    The zone is the signed-in customer's profile zone, else the one their browser reports (?tz=, added by
    knowledge/hours.js on the first visit), else UTC; the page says which.
    """
    zone = support_hours_selectors.viewer_zone(user=request.user, browser_zone=request.GET.get("tz", "")[:64])
    status = support_hours_selectors.support_status(zone=zone, language=_language())
    return render(request, "knowledge/portal/support_hours.html", {"status": status})
