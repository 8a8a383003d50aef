"""Celery application. In the embedded default (no broker configured) tasks run eagerly, and the
beat schedule below is run by the demo server's in-process scheduler (``quanyu.scheduler``)."""

import os

from celery import Celery

from quanyu.env import env_int

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quanyu.settings")

app = Celery("quanyu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work for `celery beat`. The deadline sweep is idempotent, so overlapping runs are safe.
# Registered lazily (added when the configuration is first read): reading ``app.conf`` here would
# load Django's settings as soon as the ``quanyu`` package is imported.
app.add_periodic_task(
    float(env_int("QUANYU_SWEEP_SECONDS", 300)),
    app.signature("quanyu.tickets.sweep_deadlines"),
    name="tickets-sweep-deadlines",
)
# Joint-meeting tasks past their deadline are flagged for the supervision board (cogov).
app.add_periodic_task(
    float(env_int("QUANYU_SWEEP_SECONDS", 300)),
    app.signature("quanyu.cogov.sweep_overdue_tasks"),
    name="cogov-sweep-overdue-tasks",
)
# Department scoring: catch the rollup up with the ticket history (the services' hook keeps it
# current; this covers anything it missed), and recompute the current and previous month nightly.
app.add_periodic_task(
    300.0,
    app.signature("quanyu.assessment.sync_rollup"),
    name="assessment-sync-rollup",
)
app.add_periodic_task(
    86400.0,
    app.signature("quanyu.assessment.refresh_recent"),
    name="assessment-refresh-recent",
)
# Assessment: the scorers of hand-scored entries near or past their deadline are told (once per stage).
app.add_periodic_task(
    3600.0, app.signature("quanyu.assessment.remind_scoring"), name="assessment-remind-scoring"
)
# Early warning: hot spots and spikes per street, each alert raised once (analytics.services).
app.add_periodic_task(
    float(env_int("QUANYU_ALERTS_SECONDS", 1800)),
    app.signature("quanyu.analytics.raise_alerts"),
    name="analytics-raise-alerts",
)
# Notifications: each commit that writes to the outbox enqueues a drain; this one retries failed
# channels and sends anything whose enqueue was lost (broker down at the time).
# The audit log's hash chain: entries written since are sealed (core.auditchain).
app.add_periodic_task(60.0, app.signature("quanyu.core.audit_seal"), name="core-audit-seal")
# Uploaded files whose row was rolled back or deleted (core.media), removed after a day.
app.add_periodic_task(86400.0, app.signature("quanyu.core.media_orphans"), name="core-media-orphans")
# Monthly partitions (core.partitions): next months created ahead; nothing where no table is partitioned.
app.add_periodic_task(86400.0, app.signature("quanyu.core.partitions_extend"), name="core-partitions-extend")
# Expired sessions (which may hold an import's error rows) deleted (core.tasks).
app.add_periodic_task(3600.0, app.signature("quanyu.core.clear_sessions"), name="core-clear-sessions")
# Personal data past its retention period cleared: every app's rule (core.retention).
app.add_periodic_task(86400.0, app.signature("quanyu.core.retention"), name="core-retention")
app.add_periodic_task(
    float(env_int("QUANYU_NOTIFY_DRAIN_SECONDS", 30)),
    app.signature("quanyu.notify.drain_outbox"),
    name="notify-drain-outbox",
)
# Micro-wishes: claims without progress for QUANYU_WISH_LAPSE_DAYS go back to the wall (idempotent).
app.add_periodic_task(3600.0, app.signature("quanyu.wishes.lapse_claims"), name="wishes-lapse-claims")
# Venues: confirmed bookings not checked in by the grace time after their start are released.
app.add_periodic_task(300.0, app.signature("quanyu.venues.release_no_shows"), name="venues-release-no-shows")
app.add_periodic_task(
    3600.0, app.signature("quanyu.venues.supervise_projects"), name="venues-supervise-projects"
)
# Venues: each month's activity plan is due by VENUES_PLAN_DUE_DAY; late ones are reminded once.
app.add_periodic_task(3600.0, app.signature("quanyu.venues.remind_plans"), name="venues-remind-plans")
# Volunteering: check-ins left open past the activity's end are closed and flagged, no-shows recorded.
app.add_periodic_task(600.0, app.signature("quanyu.volunteering.sweep_attendance"), name="volunteering-sweep")
