"""Log-in pages: the lock-out answer django-axes gives (the log-in and log-out routes are in
``quanyu.web.urls``)."""
