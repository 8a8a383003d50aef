"""``quanyu demo serve [ADDRPORT]``: ``runserver`` plus the periodic work of the embedded default.

Without a Celery broker (tasks eager) the serving process also runs the beat schedule in a thread
(``quanyu.scheduler``): the deadline sweep, the ranking rollup's catch-up and the notification
outbox drain, so reminders, supervision orders, e-mails and SMS happen in the demo as in
production. With a broker, ``celery worker`` and ``celery beat`` do that and this is ``runserver``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand


class Command(RunserverCommand):
    help = "启动开发服务器，并在未配置 Celery 消息队列时于进程内运行定时任务（巡检、统计同步、消息发送）。"

    def inner_run(self, *args: Any, **options: Any) -> None:
        # inner_run runs in the serving process only (not in the autoreloader's watcher).
        from quanyu.celery import app
        from quanyu.scheduler import start_in_background

        if app.conf.task_always_eager:
            start_in_background(app)
            self.stdout.write("定时任务在本进程内运行（无 Celery 消息队列）。")
        super().inner_run(*args, **options)
