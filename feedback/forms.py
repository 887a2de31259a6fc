"""Forms of the survey page, the portal suggestion page and the report filters."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from feedback.models import RATING_MAX, RATING_MIN, QuestionKind, SuggestionCategory, SurveyQuestion
from feedback.reports import ReportFilters
from feedback.services import COMMENT_MAX_LENGTH
from feedback.trends import TrendFilters
from tickets.models import Category, Channel, Team

DEFAULT_REPORT_DAYS = 90
SUGGESTION_GROUP_DAYS = 90


class RatingWidget(forms.RadioSelect):
    template_name = "feedback/widgets/rating.html"


class SurveyForm(forms.Form):
    """One field per question of the invitation's template, labelled in the customer's language."""

    def __init__(self, *args, questions: list[SurveyQuestion], language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            label = question.label(language)
            if question.kind == QuestionKind.RATING:
                field = forms.TypedChoiceField(
                    choices=[(score, str(score)) for score in range(RATING_MIN, RATING_MAX + 1)],
                    coerce=int,
                    widget=RatingWidget,
                )
            elif question.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)
            else:
                field = forms.CharField(
                    max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), strip=True
                )
            field.label, field.required = label, question.required
            self.fields[question.field_name] = field


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=SuggestionCategory.choices)
    body = forms.CharField(
        label=_("Your suggestion"), widget=forms.Textarea(attrs={"rows": 6}), max_length=COMMENT_MAX_LENGTH
    )


class DateInput(forms.DateInput):
    input_type = "date"


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=get_user_model().objects.none(), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------"), *Channel.choices], required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", "---------"), *settings.LANGUAGES], required=False)

    def __init__(self, data=None, *, with_agent: bool = True, **kwargs):
        if not data or not (data.get("date_from") or data.get("date_to")):
            # Without dates the page covers the last DEFAULT_REPORT_DAYS days, and the form says so.
            today = timezone.localdate()
            data = data.copy() if data else {}
            data["date_from"] = (today - timedelta(days=DEFAULT_REPORT_DAYS - 1)).isoformat()
            data["date_to"] = today.isoformat()
        super().__init__(data, **kwargs)
        if with_agent:
            self.fields["agent"].queryset = (
                get_user_model().objects.filter(agent_profile__isnull=False).order_by("username")
            )
        else:
            del self.fields["agent"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> ReportFilters:
        """The chosen filters; an invalid field (e.g. an unknown team) is ignored and shown as an error."""
        self.is_valid()  # cleaned_data then holds exactly the fields that are valid
        data = self.cleaned_data
        return ReportFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            team_id=data["team"].pk if data.get("team") else None,
            agent_id=data["agent"].pk if data.get("agent") else None,
            category_id=data["category"].pk if data.get("category") else None,
            channel=data.get("channel") or "",
            language=data.get("language") or "",
        )


class TrendFilterForm(forms.Form):
    """The hot-topics page: how many weeks, and which team / channel / language."""

    weeks = forms.IntegerField(label=_("Weeks"), min_value=2, max_value=104, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------"), *Channel.choices], required=False)
    language = forms.ChoiceField(label=_("Language"), choices=[("", "---------"), *settings.LANGUAGES], required=False)

    def filters(self) -> TrendFilters:
        """An invalid field is ignored (and shown as an error); no weeks chosen means settings.TRENDS_WEEKS."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # an unbound form (no filters chosen) has none
        return TrendFilters(
            weeks=data.get("weeks") or settings.TRENDS_WEEKS,
            team_id=data["team"].pk if data.get("team") else None,
            channel=data.get("channel") or "",
            language=data.get("language") or "",
        )


class SuggestionGroupFilterForm(forms.Form):
    """The grouped-suggestions page: the last N days, one category, one language."""

    days = forms.IntegerField(label=_("Last days"), min_value=1, max_value=3660, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", "---------"), *SuggestionCategory.choices], required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("", "---------"), *settings.LANGUAGES], required=False)

    def cleaned(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # an unbound form (no filters chosen) has none
        return {
            "days": data.get("days") or SUGGESTION_GROUP_DAYS,
            "category": data.get("category") or "",
            "language": data.get("language") or "",
        }
