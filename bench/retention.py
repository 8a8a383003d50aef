"""Benchmark: 等保 residual information at scale on PostgreSQL — the daily retention run clearing
the contact of tickets closed more than QUANYU_TICKET_CONTACT_DAYS ago (tickets/s, in batches of
1,000, each audited), and anonymising one person among them (the tickets that gave their phone
found through the partial index ``ticket_contact``, inside the anonymisation's transaction).
Also what that index costs the intake: tickets created with a contact, one transaction each (the
service path's INSERT) and in batches of 100 (the intake lane's shape), with the index and with
it dropped, on the filled table, in alternating rounds (the median of each is reported).

Run: .venv/bin/python bench/retention.py [--tickets 200000] [--intake 2000] [--rounds 3]
Connection: BENCH_RETENTION_DSN (default postgresql://postgres@127.0.0.1:5432/q_retention); the
database is migrated, filled with synthetic tickets (bulk INSERT, not the intake), measured, and
emptied of what it wrote. Results go to bench/results/retention.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "src"))

from _util import write_result  # noqa: E402


def dsn() -> str:
    return os.environ.get("BENCH_RETENTION_DSN", "postgresql://postgres@127.0.0.1:5432/q_retention")


def setup_django() -> None:
    env = {**os.environ, "DATABASE_URL": dsn(), "DJANGO_SETTINGS_MODULE": "quanyu.test_settings"}
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "--skip-checks", "-v", "0"],
        env={**env, "PYTHONPATH": str(ROOT / "src")},
        check=True,
        cwd=ROOT,
    )
    os.environ.update({"DATABASE_URL": dsn(), "DJANGO_SETTINGS_MODULE": "quanyu.test_settings"})
    import django

    django.setup()


OVERHEAD_TARGET_PCT = 5


def intake_cost(
    community: Any, phones: list[str], hashes: dict[str, str], *, per_round: int, rounds: int
) -> dict[str, Any]:
    """Creating tickets with a contact, with the partial index ``ticket_contact`` and without
    it — tickets/s, the database backend's CPU per 1,000 tickets, WAL bytes per ticket:
    ``rounds`` alternating rounds of each, single-row transactions (the service's INSERT: ORM,
    contact phone encrypted and hashed) and batches of 100 (bulk INSERT, as the intake lane
    writes a batch). The rows are deleted after each round, so every round starts
    from the same table. The index is restored whatever happens."""
    import importlib
    import statistics

    from django.db import connection, transaction

    from quanyu.core.pii import pii_hash
    from quanyu.tickets.models import Ticket

    index = importlib.import_module("quanyu.tickets.migrations.0008_contact_index").INDEX

    def rows(n: int) -> list[Ticket]:
        out = []
        for i in range(n):
            phone = phones[i % len(phones)]
            out.append(
                Ticket(
                    text="bench-retention-intake",
                    area_path=community.path,
                    channel="hotline",
                    handling_area=community,
                    status="new",
                    contact_name="李四",
                    contact_phone=phone,
                    contact_phone_hash=hashes.get(phone) or pii_hash("phone", phone),
                )
            )
        return out

    def backend_cpu_s() -> float:
        """CPU seconds the database's backend serving this connection has used (the server runs
        on this machine): far less disturbed by other load than wall time."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wal_lsn() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            return str(cursor.fetchone()[0])

    def wal_bytes(since: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [since])
            return int(cursor.fetchone()[0])

    def measured(write: Any) -> dict[str, float]:
        batch = rows(per_round)
        connection.ensure_connection()
        cpu0, lsn, t0 = backend_cpu_s(), wal_lsn(), time.perf_counter()
        write(batch)
        wall = time.perf_counter() - t0
        return {
            "per_s": per_round / wall,
            "db_cpu_ms_per_1000": 1000 * 1000 * (backend_cpu_s() - cpu0) / per_round,
            "wal_bytes_per_ticket": wal_bytes(lsn) / per_round,
        }

    def single(batch: list[Ticket]) -> None:
        for ticket in batch:
            with transaction.atomic():
                ticket.save(force_insert=True)

    def bulk(batch: list[Ticket]) -> None:
        for start in range(0, per_round, 100):
            with transaction.atomic():
                Ticket.objects.bulk_create(batch[start : start + 100])

    def has_index() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", ["ticket_contact"])
            return cursor.fetchone() is not None

    def set_index(on: bool) -> None:
        with connection.schema_editor() as editor:
            if on and not has_index():
                editor.add_index(Ticket, index)
            elif not on and has_index():
                editor.remove_index(Ticket, index)

    rates: dict[tuple[str, bool], list[dict[str, float]]] = {}
    try:
        for n in range(rounds):  # ABBA: a drift in the machine's load falls on both sides
            for indexed in (True, False) if n % 2 == 0 else (False, True):
                set_index(indexed)
                for name, run in (("single", single), ("bulk", bulk)):
                    rates.setdefault((name, indexed), []).append(measured(run))
                    Ticket.objects.filter(text="bench-retention-intake").delete()
                    with connection.cursor() as cursor:  # dead rows out: each round sees the same table
                        cursor.execute("VACUUM tickets_ticket")
    finally:
        set_index(True)
        Ticket.objects.filter(text="bench-retention-intake").delete()

    def median(name: str, indexed: bool, what: str) -> float:
        """The median of the rounds; for WAL the least, since the server's WAL is shared by every
        database on it (other work only ever adds to a round's figure)."""
        values = [r[what] for r in rates[(name, indexed)]]
        return round(min(values) if what == "wal_bytes_per_ticket" else statistics.median(values), 1)

    out: dict[str, Any] = {"intake_rows_per_round": per_round, "intake_rounds": rounds}
    for name in ("single", "bulk"):
        for what in ("per_s", "db_cpu_ms_per_1000", "wal_bytes_per_ticket"):
            with_index, without = median(name, True, what), median(name, False, what)
            out[f"intake_{name}_{what}_with_index"] = with_index
            out[f"intake_{name}_{what}_without_index"] = without
            extra = (without - with_index) / without if what == "per_s" else (with_index - without) / without
            out[f"intake_{name}_{what}_overhead_pct"] = round(100 * extra, 1)
    # The target is judged on the database's CPU per single-row creation (the service path):
    # wall-clock rates on this shared 2-core machine swing by 2x between rounds.
    out["intake_index_overhead_pct"] = out["intake_single_db_cpu_ms_per_1000_overhead_pct"]
    out["intake_round_figures"] = {
        f"{n}_{'with' if i else 'without'}_index": [{k: round(v, 1) for k, v in r.items()} for r in runs]
        for (n, i), runs in rates.items()
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--intake", type=int, default=2000, help="tickets per round of the intake cost")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.db import connection
    from django.utils import timezone

    from quanyu.accounts.models import RoleGrant, User
    from quanyu.areas.models import Area, AreaKind
    from quanyu.core.idnumber import id_check_digit
    from quanyu.core.models import AuditEntry
    from quanyu.core.pii import pii_hash
    from quanyu.core.roles import Role
    from quanyu.people.models import Resident
    from quanyu.people.services import PersonInput, person_anonymise, resident_create
    from quanyu.tickets.erasure import forget_contacts
    from quanyu.tickets.models import Ticket

    Ticket.objects.filter(text="bench-retention").delete()
    city = Area.objects.filter(code="bench-r").first() or Area.objects.add_root(
        create_kwargs={"kind": AreaKind.CITY, "name": "基准市", "code": "bench-r"}
    )
    city.refresh_from_db()
    community = Area.objects.filter(code="bench-rc").first() or Area.objects.add_child(
        city, create_kwargs={"kind": AreaKind.COMMUNITY, "name": "基准社区", "code": "bench-rc"}
    )
    community.refresh_from_db()
    Resident.objects.filter(scope_path=community.path).delete()
    staff, _ = User.objects.get_or_create(username="bench-retention")
    RoleGrant.objects.get_or_create(user=staff, role=Role.ADMIN, area=city)
    staff = User.objects.get(pk=staff.pk)

    now = timezone.now()
    person_phone = "13900009999"
    phones = [f"139{n:08d}" for n in range(1000)]
    hashes = {p: pii_hash("phone", p) for p in [*phones, person_phone]}
    rows = []
    for n in range(args.tickets):
        old = n % 2 == 0  # half closed a year ago (due), half last week (kept)
        phone = person_phone if n % 10_000 == 7 else phones[n % 1000]
        rows.append(
            Ticket(
                text="bench-retention",
                area_path=community.path,
                channel="hotline",
                handling_area=community,
                status="closed",
                closed_at=now - dt.timedelta(days=365 if old else 7),
                contact_name="张三",
                contact_phone=phone,
                contact_phone_hash=hashes[phone],
            )
        )
    t0 = time.perf_counter()
    Ticket.objects.bulk_create(rows, batch_size=5000)
    filled = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    intake = intake_cost(community, phones, hashes, per_round=args.intake, rounds=args.rounds)
    first17 = "37060219800101001"
    person = resident_create(
        actor=staff,
        person=PersonInput(name="基准居民", id_number=first17 + id_check_digit(first17), phone=person_phone),
        community=community,
    )
    gave_phone = sum(1 for n in range(args.tickets) if n % 10_000 == 7)

    t0 = time.perf_counter()
    person_anonymise(actor=staff, person=person, reason="基准")
    anonymise_s = time.perf_counter() - t0
    audit = AuditEntry.objects.filter(action="anonymise", target_type="people.resident").latest("id")

    t0 = time.perf_counter()
    cleared = len(forget_contacts(days=180).tickets)
    retention_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = len(forget_contacts(days=180).tickets)
    idle_s = time.perf_counter() - t0

    result = {
        "tickets": args.tickets,
        "fill_s": round(filled, 1),
        "anonymise_s": round(anonymise_s, 3),
        "anonymise_tickets_cleared": audit.detail["elsewhere"]["tickets"],
        "anonymise_tickets_expected": gave_phone,
        "retention_cleared": cleared,
        "retention_s": round(retention_s, 2),
        "retention_tickets_per_s": round(cleared / retention_s) if retention_s else None,
        "retention_second_run_s": round(idle_s, 3),
        "retention_second_run_cleared": again,
        **intake,
    }
    for key, value in result.items():
        print(f"{key}: {value}")
    write_result(
        "retention",
        figures=result,
        reference=None,
        targets={
            "anonymise_s": "< 1 s",
            "retention_second_run_s": "< 1 s",
            "intake_index_overhead_pct": (
                f"< {OVERHEAD_TARGET_PCT} % more database CPU per single-row creation with the index"
            ),
        },
        meets_target={
            "anonymise_s": anonymise_s < 1,
            "retention_second_run_s": idle_s < 1,
            "intake_index_overhead_pct": intake["intake_index_overhead_pct"] < OVERHEAD_TARGET_PCT,
        },
        note=(
            "no reference for clearing: nothing else clears contacts; a whole-table scan of 1 M "
            "synthetic rows: 0.5 s. The intake cost's reference is the same creations with the "
            "index dropped, measured in the same run on the same table"
        ),
    )
    Ticket.objects.filter(text="bench-retention").delete()  # audit entries stay: append-only


if __name__ == "__main__":
    main()
