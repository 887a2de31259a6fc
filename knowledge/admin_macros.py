"""Macros in the back office: the macro admin, the "apply macro" page and the ticket page's reply tools.

The reply tools ("reply with a macro", "insert article link") are a panel of the ticket
page, registered below through tickets' panel hook (tickets.admin.panels); tickets never
imports knowledge. Applying a macro happens on MacroAdmin's own page,
/admin/knowledge/macro/apply/<ticket id>/, which calls knowledge.services.macro_apply → tickets.services.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from knowledge import selectors, services
from knowledge.admin_inlines import save_inline_formset
from knowledge.models import Macro, MacroVariant
from supportdesk.kit.admin_forms import SafeAutocompleteMixin
from tickets import reply_timer
from tickets.admin.forms import ReplyOpenedAtField
from tickets.admin.panels import TicketPanel, register_ticket_panel
from tickets.models import Ticket
from tickets.selectors import ticket_for_user

REPLY_TOOLS_MACROS = 20


class MacroVariantForm(forms.ModelForm):
    class Meta:
        model = MacroVariant
        fields = ["language", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "cols": 90})}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        services.validate_macro_body(body)
        return body


class MacroVariantInline(admin.StackedInline):
    model = MacroVariant
    form = MacroVariantForm
    extra = 0
    min_num = 1

    def get_formset(self, request, obj=None, **kwargs):
        # A macro keeps at least one text: deleting the last one (or sending none) is a form error.
        return super().get_formset(request, obj, validate_min=True, **kwargs)


@admin.register(Macro)
class MacroAdmin(SafeAutocompleteMixin, admin.ModelAdmin):
    list_display = ["title", "team", "owner", "set_status", "set_priority", "set_category", "usage_count",
                    "last_used_at", "is_active"]  # fmt: skip
    list_select_related = ["team", "owner", "set_category"]
    list_filter = ["is_active", "team", "set_status"]
    search_fields = ["title", "variants__body"]
    autocomplete_fields = ["team", "owner", "set_category", "add_tags"]
    readonly_fields = ["usage_count", "last_used_at"]
    inlines = [MacroVariantInline]
    fieldsets = [
        (None, {"fields": ["title", ("team", "owner"), "is_active"]}),
        (_("Actions when applied"), {"fields": [("set_status", "set_priority"), "set_category", "add_tags"]}),
        (_("Usage"), {"fields": [("usage_count", "last_used_at")]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        macros = super().get_queryset(request)
        if request.user.is_superuser:
            return macros
        # Someone else's personal macro is theirs alone.
        return macros.filter(Q(owner__isnull=True) | Q(owner=request.user))

    def save_model(self, request, obj, form, change) -> None:
        services.macro_save(macro=obj, actor=request.user, tags=form.cleaned_data.get("add_tags"))

    def save_related(self, request, form, formsets, change) -> None:
        # Tags were set by macro_save; each language variant is validated and saved by its service.
        for formset in formsets:
            save_inline_formset(
                formset,
                parent=form.instance,
                save=lambda variant: services.macro_variant_save(variant=variant, actor=request.user),
                delete=lambda variant: services.macro_variant_delete(variant=variant, actor=request.user),
            )

    def get_urls(self):
        return [
            path(
                "apply/<id:ticket_id>/",
                self.admin_site.admin_view(self.apply_view),
                name="knowledge_macro_apply",
            ),
            path(
                "render/<id:ticket_id>/<id:macro_id>/",
                self.admin_site.admin_view(self.render_view),
                name="knowledge_macro_render",
            ),
            *super().get_urls(),
        ]

    def render_view(self, request: HttpRequest, ticket_id: int, macro_id: int) -> JsonResponse:
        """A macro's text rendered for this ticket, as JSON, for a reply box to take (the chat console's reply tools).

        Who may see it is who may apply it on the ticket page (same ticket, permission and macro checks); nothing
        is sent or changed here: the agent edits the text and sends it from the reply box.
        """
        ticket = ticket_for_user(user=request.user, pk=ticket_id)
        if not request.user.has_perm("tickets.change_ticket"):
            raise PermissionDenied
        macro = selectors.macro_for_user(user=request.user, pk=macro_id)
        try:
            body = services.macro_render(macro=macro, ticket=ticket, agent=request.user)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse({"title": macro.title, "body": body, "note": _fallback_note(macro, ticket)})

    def apply_view(self, request: HttpRequest, ticket_id: int) -> HttpResponse:
        """Pick a macro, see its text rendered for this ticket, edit it, send it (its actions run too)."""
        ticket = ticket_for_user(user=request.user, pk=ticket_id)
        if not request.user.has_perm("tickets.change_ticket"):
            raise PermissionDenied
        query = request.GET.get("q", "")
        macro_id = request.POST.get("macro") or request.GET.get("macro")
        macro = selectors.macro_for_user(user=request.user, pk=macro_id) if macro_id else None
        form, unusable, fallback = None, [], ""
        if macro is not None:
            if request.method == "POST":
                form = MacroApplyForm(request.POST, ticket=ticket, actor=request.user)
                if form.is_valid():
                    try:
                        services.macro_apply(
                            macro=macro,
                            ticket=ticket,
                            body=form.cleaned_data["body"],
                            actor=request.user,
                            internal=form.cleaned_data["internal"],
                            opened_at=form.cleaned_data["opened_at"],
                        )
                    except (ValidationError, PermissionDenied) as error:
                        form.add_error(None, error if isinstance(error, ValidationError) else str(error))
                    else:
                        self.message_user(
                            request, _("Macro “%(title)s” applied.") % {"title": macro.title}, messages.SUCCESS
                        )
                        return redirect("admin:tickets_ticket_change", ticket.pk)
            else:
                try:
                    body = services.macro_render(macro=macro, ticket=ticket, agent=request.user)
                except ValidationError as error:
                    # A macro without text (saved before texts were required): say so, offer nothing to send.
                    unusable = error.messages
                else:
                    form = MacroApplyForm(initial={"body": body}, ticket=ticket, actor=request.user)
                    fallback = _fallback_note(macro, ticket)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reply to %(reference)s with a macro") % {"reference": ticket.reference},
            "opts": self.model._meta,
            "ticket": ticket,
            "macros": selectors.macros_for(user=request.user, query=query),
            "query": query,
            "macro": macro,
            "form": form,
            "unusable": unusable,
            "fallback": fallback,
        }
        return TemplateResponse(request, "admin/knowledge/macro/apply.html", context)


def _fallback_note(macro, ticket: Ticket) -> str:
    """Said above the text when the macro has none in the ticket's language, so the agent translates it."""
    variant = selectors.macro_variant(macro, ticket.language)
    if variant is None or variant.language == ticket.language:
        return ""
    names = dict(settings.LANGUAGES)
    return _("This macro has no text in %(language)s: the %(fallback)s text is shown. Translate it before sending.") % {
        "language": names.get(ticket.language, ticket.language),
        "fallback": names.get(variant.language, variant.language),
    }


class MacroApplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 10, "cols": 90, "id": "id_reply_body"})
    )
    internal = forms.BooleanField(label=_("Internal note (not sent to the customer)"), required=False)
    opened_at = ReplyOpenedAtField(required=False)

    def __init__(self, *args, ticket, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ticket, self.actor = ticket, actor
        # Handle time of a macro reply runs from opening this page (tickets.reply_timer).
        self.fields["opened_at"].initial = reply_timer.opened_at_token(ticket_id=ticket.pk, user_id=actor.pk)

    def clean_opened_at(self):
        return reply_timer.opened_at_from_token(
            self.cleaned_data["opened_at"], ticket_id=self.ticket.pk, user_id=self.actor.pk
        )


def reply_tools_context(request: HttpRequest, ticket: Ticket) -> dict:
    """The macros this agent may use (the first REPLY_TOOLS_MACROS) and the help-centre link search."""
    return {
        "ticket_id": ticket.pk,
        "macros": selectors.macros_for(user=request.user, limit=REPLY_TOOLS_MACROS),
        "show_all_link": True,
        "language": ticket.language,
    }


register_ticket_panel(
    TicketPanel(
        key="knowledge.reply_tools",
        template="admin/knowledge/_reply_tools.html",
        order=300,
        context=reply_tools_context,
    )
)
