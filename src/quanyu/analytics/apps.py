from collections.abc import Callable

from django.apps import AppConfig


def _reply_problems(request: Callable[[], str], reply: str) -> list[str]:
    from quanyu.analytics.replies import reply_problems  # (numpy and scikit-learn: when first used)

    return reply_problems(request, reply)


class AnalyticsConfig(AppConfig):
    name = "quanyu.analytics"
    label = "analytics"
    verbose_name = "统计分析"

    def ready(self) -> None:
        # A resolution whose reply is only the acknowledgement formula is sent back (tickets.replycheck).
        from quanyu.tickets.replycheck import use_checker

        use_checker(_reply_problems)
