"""The soak's checks after the load (bench/soak.py): what the clients were answered against what
the database holds, and what the SMS gateway (bench/_soak_sms.py) was handed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

# Reminder.Kind labels: the reminder's title is "<label>：工单 #<id>" (quanyu.tickets.sweep._remind).
REMINDER_LABELS = {
    "ticket_response": "即将受理超时",
    "ticket_completion": "即将办结超时",
    "whistle_response": "即将响应超时",
    "whistle_completion": "即将办结超时",
}


def _rows(conn: Any, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
    return list(conn.execute(sql, params).fetchall())


def _sms_title(text: str) -> str:
    """The SMS text is the title, then " <link>" when the message had one."""
    head, _sep, tail = text.rpartition(" ")
    return head if head and (tail.startswith("/") or tail.startswith("http")) else text


def check_tickets(conn: Any, shared: Any) -> dict[str, Any]:
    by_key = dict(
        _rows(
            conn,
            "SELECT idempotency_key, count(*) FROM tickets_ticket "
            "WHERE idempotency_key IS NOT NULL GROUP BY 1",
        )
    )
    ids_in_db = {r[0] for r in _rows(conn, "SELECT id FROM tickets_ticket")}
    answered_ids: set[int] = set()
    keys_answered = keys_unanswered_created = keys_unanswered_absent = 0
    keys_two_ids = []
    for key, answers in shared.keys.items():
        ids = {tid for status, tid in answers if status in (200, 201) and tid}
        answered_ids |= ids
        if len(ids) > 1:
            keys_two_ids.append(key)
        if ids:
            keys_answered += 1
        elif by_key.get(key):
            keys_unanswered_created += 1  # created, but every answer was lost: a later retry finds it
        else:
            keys_unanswered_absent += 1
    return {
        "keys_sent": len(shared.keys),
        "keys_answered_with_a_ticket": keys_answered,
        "keys_unanswered_but_created": keys_unanswered_created,
        "keys_unanswered_not_created": keys_unanswered_absent,
        "keys_with_two_tickets_in_db": sum(1 for n in by_key.values() if n > 1),
        "keys_answered_with_two_ids": len(keys_two_ids),
        "replays_answered_another_ticket": len(shared.replay_mismatches),
        "answered_tickets_missing_from_db": len(answered_ids - ids_in_db),
        "tickets_in_db": len(ids_in_db),
    }


STEP_EVENTS = {"accept": "accepted", "whistle": "whistled", "respond": "whistle_responded"}


def steps_vs_events(calls: list[Any], events: dict[str, int]) -> dict[str, dict[str, int]]:
    """Per step: answers 200 against the events in the database. More events than 200s are steps
    that committed while their answer failed (the database went away after the commit): the client
    saw an error, the step was done; the stepper reads the ticket to find out."""
    out = {}
    for step, kind in STEP_EVENTS.items():
        ok = sum(1 for c in calls if c.what == step and c.status == 200)
        out[step] = {"answered_200": ok, "events": events.get(kind, 0)}
    return out


def check_events(conn: Any) -> dict[str, Any]:
    created = _rows(
        conn,
        "SELECT count(*) FROM tickets_ticket t WHERE (SELECT count(*) FROM tickets_ticketevent e "
        "WHERE e.ticket_id = t.id AND e.kind = 'created') <> 1",
    )[0][0]
    doubled = _rows(
        conn,
        "SELECT kind, count(*), sum(n - 1) FROM (SELECT kind, count(*) AS n FROM tickets_ticketevent "
        "GROUP BY ticket_id, kind, from_status, to_status, whistle_id, actor_id, payload::text "
        "HAVING count(*) > 1) d GROUP BY kind",
    )
    orders = _rows(
        conn,
        "SELECT count(*) FROM (SELECT payload->>'order' FROM tickets_ticketevent WHERE kind = 'supervised' "
        "GROUP BY 1 HAVING count(*) > 1) d",
    )[0][0]
    events = _rows(conn, "SELECT kind, count(*) FROM tickets_ticketevent GROUP BY 1 ORDER BY 1")
    return {
        "tickets_without_exactly_one_created_event": created,
        "doubled_event_rows": sum(int(r[2]) for r in doubled),
        "doubled_by_kind": {r[0]: int(r[2]) for r in doubled},
        "supervision_orders_with_two_events": orders,
        "events_by_kind": dict(events),
    }


def check_reminders(conn: Any, sms_log: Path, phones: dict[str, str]) -> dict[str, Any]:
    reminders = _rows(conn, "SELECT ticket_id, kind, dedupe_key FROM tickets_reminder")
    keys = Counter(r[2] for r in reminders)
    expected_titles = Counter(f"{REMINDER_LABELS[kind]}：工单 #{tid}" for tid, kind, _k in reminders)
    outbox = _rows(conn, "SELECT kind, title, recipient_ids, status FROM notify_outboxmessage")
    reminder_rows = [r for r in outbox if r[0] == "deadline_reminder"]
    outbox_titles = Counter(r[1] for r in reminder_rows)
    inapp = _rows(
        conn,
        "SELECT recipient_id, title, count(*) FROM notify_notification "
        "WHERE kind = 'deadline_reminder' GROUP BY 1, 2",
    )
    inapp_titles = Counter()
    for _recipient, title, n in inapp:
        inapp_titles[title] = max(inapp_titles[title], n)
    # Every outbox row that is sent went to each recipient with a phone once; compare with the
    # gateway's lines (all kinds of message, not only reminders).
    expected_sms: Counter[tuple[str, str]] = Counter()
    for _kind, title, recipients, status in outbox:
        if status == "sent":
            for uid in recipients:
                if str(uid) in phones:
                    expected_sms[(phones[str(uid)], title)] += 1
    sent_sms: Counter[tuple[str, str]] = Counter()
    if sms_log.exists():
        for line in sms_log.read_text(encoding="utf-8").splitlines():
            _pid, phone, text = line.split("\t", 2)
            sent_sms[(phone, _sms_title(text))] += 1
    reminder_sms = Counter({k: n for k, n in sent_sms.items() if k[1] in expected_titles})
    status = Counter(r[3] for r in outbox)
    return {
        "reminders": len(reminders),
        "reminder_claims_doubled": sum(n - 1 for n in keys.values()),
        "reminders_outbox_rows": len(reminder_rows),
        "reminders_outbox_doubled": sum(max(0, outbox_titles[t] - n) for t, n in expected_titles.items()),
        "reminders_outbox_missing": sum(max(0, n - outbox_titles[t]) for t, n in expected_titles.items()),
        "reminders_inapp_doubled": sum(max(0, inapp_titles[t] - n) for t, n in expected_titles.items()),
        "reminders_inapp_missing": sum(max(0, n - inapp_titles[t]) for t, n in expected_titles.items()),
        "reminder_sms_sent": sum(reminder_sms.values()),
        "sms_sent": sum(sent_sms.values()),
        "sms_doubled": sum(max(0, sent_sms[k] - n) for k, n in expected_sms.items()),
        # sent for a row not marked sent (a drain killed between sending and marking): sent again
        # after the lease, that would be a second send (at least once, outbox.py)
        "sms_for_rows_not_marked_sent": sum(n for k, n in sent_sms.items() if k not in expected_sms),
        "sms_missing_for_sent_rows": sum(max(0, n - sent_sms[k]) for k, n in expected_sms.items()),
        "outbox_by_status": dict(status),
        "outbox_pending_leased": _rows(
            conn,
            "SELECT count(*) FROM notify_outboxmessage WHERE status = 'pending' AND next_attempt_at > now()",
        )[0][0],
        "supervision_orders": _rows(conn, "SELECT count(*) FROM tickets_supervisionorder")[0][0],
    }


def check_all(db_url: str, shared: Any, sms_log: Path, phones: dict[str, str]) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(db_url, autocommit=True, connect_timeout=10) as conn:
        events = check_events(conn)
        venues = _rows(conn, "SELECT count(*) FROM venues_venue WHERE name LIKE '压测驿站%%'")[0][0]
        return {
            "tickets": check_tickets(conn, shared),
            "events": events,
            "steps_vs_events": steps_vs_events(shared.calls, events["events_by_kind"]),
            "reminders": check_reminders(conn, sms_log, phones),
            "imports": {
                "answers": dict(Counter(str(s) for s in shared.import_answers)),
                "venues_reported_created": shared.imported_venues,
                "venues_in_db": venues,
            },
        }


def classify_calls(calls: list[Any], window: tuple[float, float] | None) -> dict[str, Any]:
    """Every request: answered or not, 5xx inside the PostgreSQL restart window or outside it."""

    def inside(c: Any) -> bool:
        return window is not None and c.end >= window[0] and c.start <= window[1]

    by_what: dict[str, Counter[str]] = {}
    lost = [c for c in calls if c.status is None]
    five = [c for c in calls if c.status is not None and c.status >= 500]
    times: dict[str, list[float]] = {}
    for c in calls:
        by_what.setdefault(c.what, Counter())[str(c.status)] += 1
        times.setdefault(c.what, []).append(c.end - c.start)
    in_window = [c for c in calls if inside(c)]
    samples: dict[str, list[str]] = {}
    for c in calls:
        if c.status is not None and c.status >= 400:
            got = samples.setdefault(f"{c.what} {c.status}", [])
            if len(got) < 2:
                got.append(c.error[:160])
    outside = [c for c in five if not inside(c)]
    return {
        "requests": len(calls),
        "answered": len(calls) - len(lost),
        "lost_without_answer": len(lost),
        "lost_inside_restart_window": sum(1 for c in lost if inside(c)),
        "lost_samples": [f"{c.what} {c.error}" for c in lost[:5]],
        "5xx": len(five),
        "5xx_inside_restart_window": len(five) - len(outside),
        "5xx_outside_restart_window": len(outside),
        "5xx_outside_samples": [
            f"{c.what} {c.status} at {c.start:.1f}: {c.error[:160]}" for c in outside[:5]
        ],
        "by_request": {k: dict(v) for k, v in sorted(by_what.items())},
        "error_answer_samples": samples,
        "latency_ms": {k: _percentiles(v) for k, v in sorted(times.items())},
        "restart_window": {
            "requests": len(in_window),
            "answered_2xx": sum(1 for c in in_window if c.status and c.status < 300),
            "slowest_ms": round(1000 * max((c.end - c.start for c in in_window), default=0)),
        },
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    v = sorted(values)
    return {
        "p50": round(1000 * v[len(v) // 2], 1),
        "p99": round(1000 * v[min(len(v) - 1, int(0.99 * len(v)))], 1),
        "max": round(1000 * v[-1], 1),
    }


def summarise(
    shared: Any,
    checks: dict[str, Any],
    faults: dict[str, Any],
    monitor: Any,
    seconds: float,
    *,
    pool_limit: dict[str, int],
    grace: float,
) -> tuple[dict, dict, dict, dict]:
    restart = faults.get("pg_restart")
    window = (restart["start"], restart["end"] + grace) if restart else None
    calls = classify_calls(shared.calls, window)
    t, e, r = checks["tickets"], checks["events"], checks["reminders"]
    limit = sum(pool_limit.values())
    figures = {
        "requests": calls["requests"],
        "requests_per_s": round(calls["requests"] / seconds, 1),
        "lost_without_answer": calls["lost_without_answer"],
        "5xx_outside_restart_window": calls["5xx_outside_restart_window"],
        "5xx_inside_restart_window": calls["5xx_inside_restart_window"],
        "tickets_created": t["tickets_in_db"],
        "tickets_doubled": t["keys_with_two_tickets_in_db"]
        + t["keys_answered_with_two_ids"]
        + t["replays_answered_another_ticket"],
        "answered_tickets_missing": t["answered_tickets_missing_from_db"],
        "events_doubled": e["doubled_event_rows"]
        + e["tickets_without_exactly_one_created_event"]
        + e["supervision_orders_with_two_events"],
        "reminders": r["reminders"],
        "reminders_not_exactly_once": r["reminder_claims_doubled"]
        + r["reminders_outbox_doubled"]
        + r["reminders_outbox_missing"]
        + r["reminders_inapp_doubled"]
        + r["reminders_inapp_missing"],
        "sms_doubled": r["sms_doubled"],
        "messages_unsent": r["outbox_by_status"].get("pending", 0)
        + r["outbox_by_status"].get("failed", 0)
        + r["sms_missing_for_sent_rows"],
        "peak_pg_connections": monitor.peak,
        "pool_limit": limit,
    }
    targets = {
        "lost_without_answer": 0,
        "5xx_outside_restart_window": 0,
        "tickets_doubled": 0,
        "answered_tickets_missing": 0,
        "events_doubled": 0,
        "reminders_not_exactly_once": 0,
        "sms_doubled": 0,
        "messages_unsent": 0,
        "peak_pg_connections": f"<= {limit} (pools' sum)",
    }
    meets = {k: figures[k] == 0 for k in targets if k != "peak_pg_connections"}
    meets["peak_pg_connections"] = 0 < monitor.peak <= limit
    extra = {
        "scenario": f"{seconds / 60:.1f} min of mixed load over HTTP against 2 uvicorn workers, 2 "
        "Celery workers and beat on PostgreSQL and Redis; kill -9 of a Celery worker mid-sweep; "
        "one PostgreSQL restart",
        "calls": calls,
        "checks": checks,
        "faults": {
            k: {kk: vv for kk, vv in v.items() if kk not in ("start", "end", "at")} for k, v in faults.items()
        },
        "restart_window_grace_s": grace,
        "connections": {
            "peak": monitor.peak,
            "peak_by_process_kind": monitor.peak_by_kind,
            "pool_limit_by_kind": pool_limit,
            "samples": monitor.samples,
            "polls_failed": monitor.failed,
        },
    }
    return figures, targets, meets, extra
