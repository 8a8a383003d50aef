from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quanyu.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from quanyu.accounts import retention
        from quanyu.accounts.middleware import session_started

        retention.register()

        # The session's clock starts at the log-in, saved with it (no extra write on the next page).
        user_logged_in.connect(session_started, dispatch_uid="quanyu-session-started")
        user_logged_in.connect(_account_failures_cleared, dispatch_uid="quanyu-account-failures-cleared")


def _account_failures_cleared(sender: object, user: object = None, **kwargs: object) -> None:
    """A successful log-in clears the account's failed attempts (from any address), not the
    address's failures at other accounts (settings.AXES_RESET_ON_SUCCESS is off for that)."""
    from axes.utils import reset

    username = getattr(user, "get_username", lambda: "")()
    if username:
        reset(username=username)
