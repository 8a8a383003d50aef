from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "quanyu.assessment"
    label = "assessment"
    verbose_name = "考核评价"

    def ready(self) -> None:
        # Bring the department rollup up to date once a ticket service's transaction has committed
        # (``quanyu.tickets.hooks``, batched per transaction); ``assessment_sync`` stays the
        # catch-up that guarantees it, for a failed or missed recomputation.
        from quanyu.assessment.rollup import record_ticket_changes_listener
        from quanyu.tickets.hooks import on_ticket_changed

        on_ticket_changed(record_ticket_changes_listener)
