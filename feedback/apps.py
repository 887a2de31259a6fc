from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from feedback.receivers import on_complaint_closed, on_ticket_solved
        from tickets.signals import complaint_closed, ticket_solved

        ticket_solved.connect(on_ticket_solved, dispatch_uid="feedback.survey_on_ticket_solved")
        complaint_closed.connect(on_complaint_closed, dispatch_uid="feedback.survey_on_complaint_closed")
