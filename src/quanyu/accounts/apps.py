from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quanyu.accounts"
    label = "accounts"
    verbose_name = "账号与角色"
