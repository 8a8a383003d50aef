from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "quanyu.assessment"
    label = "assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        # Keep the department rollup current inside every ticket service's transaction
        # (``quanyu.tickets.hooks``); ``assessment_sync`` stays as the catch-up for anything missed.
        from quanyu.assessment.rollup import record_ticket_change_listener
        from quanyu.tickets.hooks import on_ticket_changed

        on_ticket_changed(record_ticket_change_listener)
