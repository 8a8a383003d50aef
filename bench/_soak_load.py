"""The soak's load: client threads over real HTTP (``requests``, a new connection per request, so
a request either gets an HTTP status or is counted as lost: no keep-alive re-use to blame).

* creators POST /api/tickets/ as the resident, each with a fresh Idempotency-Key; a request that
  got no answer or a 5xx is sent again with the same key (what the key is for), and now and then
  a ticket that was created is sent again on purpose (a client's retry): the answer must be the
  same ticket.
* the stepper takes most created tickets through their steps: street tier (电梯, category 0201)
  accept → whistle to 区住建局 → respond → resolve; grid tier (占道, 0101) accept → resolve. The
  rest stay open for the deadline sweep.
* the reader lists (two accounts, two filters) and opens details;
* the importer uploads a small venues sheet (POST /api/venues/import/) every ``import_every`` s.

Every request is one ``Call`` (when it started and ended, what, the status or None, the error).
"""

from __future__ import annotations

import io
import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import requests

# Inside the test city's first street (lon 121.30–121.40, lat 37.50–37.60), away from grid edges.
STREET_1 = ((121.305, 121.345), (37.505, 37.545))
TEXTS = {
    "0201": ["电梯停运三天了，老人出行困难", "电梯困人，物业电话打不通"],
    "0101": ["小区门口有流动摊贩摆摊占道", "早市摊贩占道经营"],
}
TIMEOUT = (5, 60)  # connect, read: the pool waits up to QUANYU_DB_POOL_TIMEOUT (20 s) for a connection


@dataclass
class Call:
    start: float
    end: float
    what: str
    status: int | None
    error: str = ""


@dataclass
class Shared:
    base: str
    tokens: dict[str, str]
    ids: dict[str, Any]
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    calls: list[Call] = field(default_factory=list)
    # idempotency key → [(status, ticket id or None)] for every attempt
    keys: dict[str, list[tuple[int | None, int | None]]] = field(default_factory=lambda: defaultdict(list))
    replay_mismatches: list[str] = field(default_factory=list)
    to_step: list[tuple[int, str]] = field(default_factory=list)  # (ticket id, category)
    imported_venues: int = 0
    import_answers: list[int | None] = field(default_factory=list)

    def call(self, what: str, method: str, path: str, user: str, **kw: Any) -> requests.Response | None:
        headers = {"Authorization": f"Token {self.tokens[user]}", "Connection": "close"}
        headers.update(kw.pop("headers", {}))
        t0 = time.time()
        try:
            response = requests.request(method, self.base + path, headers=headers, timeout=TIMEOUT, **kw)
        except requests.RequestException as exc:
            with self.lock:
                self.calls.append(
                    Call(t0, time.time(), what, None, type(exc).__name__ + ": " + str(exc)[:160])
                )
            return None
        error = "" if response.status_code < 400 else response.text[:200]
        with self.lock:
            self.calls.append(Call(t0, time.time(), what, response.status_code, error))
        return response


def _pace(shared: Shared, seconds: float) -> None:
    shared.stop.wait(seconds)


def creator(shared: Shared, seed: int, pause: float) -> None:
    rng = random.Random(seed)
    while not shared.stop.is_set():
        category = rng.choice(["0201", "0201", "0101"])
        body = {
            "lon": round(rng.uniform(*STREET_1[0]), 6),
            "lat": round(rng.uniform(*STREET_1[1]), 6),
            "text": rng.choice(TEXTS[category]),
            "category": category,
        }
        key = uuid.uuid4().hex
        ticket_id = None
        for attempt in range(4):  # the first try and up to three retries with the same key
            response = shared.call(
                "create", "POST", "/api/tickets/", "resident", json=body, headers={"Idempotency-Key": key}
            )
            status = response.status_code if response is not None else None
            got = response.json().get("id") if status in (200, 201) and response is not None else None
            with shared.lock:
                shared.keys[key].append((status, got))
            if status is not None and status < 500:
                ticket_id = got
                break
            _pace(shared, 0.5 * (attempt + 1))
        if ticket_id is not None:
            with shared.lock:
                shared.to_step.append((ticket_id, category))
            if rng.random() < 0.05:  # a client that did not trust the first answer
                again = shared.call(
                    "create-replay",
                    "POST",
                    "/api/tickets/",
                    "resident",
                    json=body,
                    headers={"Idempotency-Key": key},
                )
                if again is not None and again.status_code < 500:
                    same = again.json().get("id")
                    with shared.lock:
                        shared.keys[key].append((again.status_code, same))
                        if same != ticket_id:
                            shared.replay_mismatches.append(f"{key}: {ticket_id} then {same}")
        _pace(shared, pause)


def _steps(shared: Shared, category: str) -> list[tuple[str, str, dict[str, Any]]]:
    housing = shared.ids["housing"]
    if category == "0101":
        return [("accept", "grid_worker", {}), ("resolve", "grid_worker", {"explanation": "已劝离摊贩"})]
    return [
        ("accept", "street_staff", {}),
        ("whistle", "street_staff", {"departments": [housing], "lead": housing}),
        ("respond", "housing_handler", {"note": "收到，安排维保"}),
        ("resolve", "housing_handler", {"explanation": "已修复电梯"}),
    ]


def _next_step(shared: Shared, tid: int, category: str, n: int) -> int:
    """The index of the step the ticket waits for, read from its detail (``n`` when unreadable)."""
    response = shared.call("detail", "GET", f"/api/tickets/{tid}/", "district_admin")
    if response is None or response.status_code != 200:
        return n
    data = response.json()
    status, whistles = data["status"], data.get("whistles") or []
    if status == "new":
        return 0
    if status == "in_progress":
        return 1
    if status == "whistled" and whistles:
        return 2 if whistles[0]["status"] == "pending" else 3
    return len(_steps(shared, category))  # resolved or beyond


def stepper(shared: Shared, seed: int, pause: float, share: float) -> None:
    """Advance ``share`` of the tickets one step per turn, oldest first; a step answered 409, 5xx
    or not at all is followed by a read of the ticket, and tried again (five times at most) if the
    ticket still waits for it."""
    rng = random.Random(seed)
    progress: dict[int, tuple[str, int]] = {}
    stops: dict[int, int] = {}
    tries: dict[int, int] = {}
    while not shared.stop.is_set():
        with shared.lock:
            fresh, shared.to_step[:] = list(shared.to_step), []
        for tid, category in fresh:
            if rng.random() < share:
                progress[tid] = (category, 0)
                # a third stop early (accepted, or whistled: their deadlines still run)
                length = len(_steps(shared, category))
                stops[tid] = rng.randint(1, max(1, length - 2)) if rng.random() < 1 / 3 else length
        if not progress:
            _pace(shared, pause)
            continue
        tid = min(progress)
        category, n = progress[tid]
        steps = _steps(shared, category)
        step, user, body = steps[n]
        response = shared.call(step, "POST", f"/api/tickets/{tid}/{step}/", user, json=body)
        status = response.status_code if response is not None else None
        if status == 200:
            n += 1
        elif status is None or status >= 500 or status == 409:
            # No answer, a 5xx or a 409: the step may have been done (committed, then the answer
            # failed), or lost a race. Where the ticket stands says which step comes next.
            n = _next_step(shared, tid, category, n)
            tries[tid] = tries.get(tid, 0) + 1
            if tries[tid] > 5:
                n = len(steps)
        else:
            n = len(steps)  # refused for a reason that will not change: leave it
        if n >= min(len(steps), stops[tid]):
            progress.pop(tid)
        else:
            progress[tid] = (category, n)
        _pace(shared, pause)


def reader(shared: Shared, seed: int, pause: float) -> None:
    rng = random.Random(seed)
    paths = [
        ("list", "/api/tickets/?page_size=20", "street_staff"),
        ("list", "/api/tickets/?status=new&page_size=50", "district_admin"),
        ("list", "/api/tickets/?overdue=true", "community_x"),
    ]
    while not shared.stop.is_set():
        if rng.random() < 0.7:
            what, path, user = rng.choice(paths)
            shared.call(what, "GET", path, user)
        else:
            with shared.lock:
                known = [tid for answers in shared.keys.values() for _s, tid in answers if tid]
            if known:
                shared.call("detail", "GET", f"/api/tickets/{rng.choice(known)}/", "street_staff")
        _pace(shared, pause)


def venue_sheet(names: list[str], area_code: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "类型", "所属区域代码", "状态", "建筑面积", "一层面积", "经度", "纬度"])
    for i, name in enumerate(names):
        sheet.append([name, "党群服务驿站", area_code, "使用中", 120 + i, 80, 121.32, 37.52 + i / 1000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def importer(shared: Shared, every: float, run: str) -> None:
    n = 0
    while not shared.stop.wait(every):
        n += 1
        names = [f"压测驿站{run}-{n}-{i}" for i in range(3)]
        data = venue_sheet(names, shared.ids["community_code"])
        files = {
            "file": ("venues.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        response = shared.call("import", "POST", "/api/venues/import/", "community_x", files=files)
        with shared.lock:
            shared.import_answers.append(response.status_code if response is not None else None)
            if response is not None and response.status_code == 200:
                shared.imported_venues += int(response.json().get("created", 0))


def start(
    shared: Shared, *, creators: int = 2, pause: float = 0.05, import_every: float = 15.0, run: str = ""
) -> list[threading.Thread]:
    threads = [
        threading.Thread(target=creator, args=(shared, i, pause), daemon=True) for i in range(creators)
    ]
    threads.append(threading.Thread(target=stepper, args=(shared, 101, pause / 2, 0.6), daemon=True))
    threads.append(threading.Thread(target=reader, args=(shared, 202, pause), daemon=True))
    threads.append(threading.Thread(target=importer, args=(shared, import_every, run), daemon=True))
    for t in threads:
        t.start()
    return threads
