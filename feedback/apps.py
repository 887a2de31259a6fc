from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from feedback.receivers import on_ticket_solved
        from tickets.signals import ticket_solved

        ticket_solved.connect(on_ticket_solved, dispatch_uid="feedback.survey_on_ticket_solved")
