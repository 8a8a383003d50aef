"""The soak's SMS gateway (``QUANYU_SMS_BACKEND=_soak_sms.FileSmsBackend``, bench/ on the path of
the Celery workers): every message handed to it is one line ``pid<TAB>phone<TAB>text`` appended to
``$SOAK_SMS_LOG``, so bench/soak.py can count what was sent and find any message sent twice. One
``write`` of a short line to a file opened with O_APPEND lands whole even from several processes.
"""

from __future__ import annotations

import os


class FileSmsBackend:
    def send(self, phone: str, text: str) -> bool:
        line = f"{os.getpid()}\t{phone}\t{text.replace(chr(10), ' ')}\n".encode()
        fd = os.open(os.environ["SOAK_SMS_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return True
