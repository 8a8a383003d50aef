from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quanyu.accounts"
    label = "accounts"
    verbose_name = "账号与角色"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from quanyu.accounts.middleware import session_started

        # The session's clock starts at the log-in, saved with it (no extra write on the next page).
        user_logged_in.connect(session_started, dispatch_uid="quanyu-session-started")
