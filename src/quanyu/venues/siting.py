"""Siting: where should the next k centres go? Maximum covering of the population the existing
venues leave uncovered, from candidate sites (pure numpy/scipy; no database).

``cover`` is a sparse 0/1 matrix demand × candidate (candidate j covers demand i). Two solvers:

- ``greedy_swap``: greedy by marginal gain (lazy, a heap of stale gains re-checked on pop), then
  swap local search (drop one chosen site, add another) to a local optimum, then iterated local
  search until the time budget ends or the search stalls: drop a few chosen sites at random, add
  as many random others, descend again, keep the result when it is no worse than the current one
  less a small tolerance, and return to the best one found after a long stall. The best swap of
  all (chosen, other) pairs is found at once from one sparse product (``_Search.descend``).
  Seeded, so the same case gives the same answer. Never better than the optimum; on small
  cases it reaches it.
- ``exact``: the ILP (scipy.optimize.milp, HiGHS): max Σ wᵢ yᵢ s.t. yᵢ ≤ Σ_{j covers i} xⱼ,
  Σ xⱼ = k, x binary, 0 ≤ y ≤ 1; with a time limit its LP bound is reported too.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csc_matrix, csr_matrix, hstack, identity
from scipy.spatial import cKDTree

# Above this many (chosen × candidate) pairs the best-swap matrix is not built: first-improvement
# swaps column by column instead (memory stays within a few tens of MB).
_PAIR_LIMIT = 4_000_000
# Iterated local search: at most this many sites replaced per kick; a kick's result is kept when
# it is at most this share worse than the current solution; stop after this many kicks without
# a new best, or five per candidate on small cases (and go back to the best every quarter of it).
_KICK_MAX = 19
_ACCEPT_WORSE = 0.005
_STALL_LIMIT = 400


@dataclass
class Solution:
    chosen: list[int]  # candidate indices, in the order they were picked
    gains: list[float]  # population each adds (marginal, in that order)
    covered: float
    seconds: float
    optimal: bool = False
    bound: float | None = None


def cover_matrix(demand: NDArray[np.float64], candidates: NDArray[np.float64], radius: float) -> csr_matrix:
    """Demand × candidate 0/1 matrix: candidate within ``radius`` (metres, already divided by the
    detour factor for straight lines)."""
    tree = cKDTree(candidates)
    lists = tree.query_ball_point(demand, r=radius)
    rows = np.repeat(np.arange(len(demand)), [len(x) for x in lists])
    cols = np.fromiter((j for x in lists for j in x), dtype=np.int64, count=len(rows))
    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(demand), len(candidates)))


def _gains_in_order(cover: csc_matrix, weights: NDArray[np.float64], chosen: list[int]) -> list[float]:
    done = np.zeros(cover.shape[0], dtype=bool)
    gains = []
    for j in chosen:
        rows = cover.indices[cover.indptr[j] : cover.indptr[j + 1]]
        new = rows[~done[rows]]
        gains.append(float(weights[new].sum()))
        done[new] = True
    return gains


class _Search:
    """Greedy and 1-swap local search over one cover matrix."""

    def __init__(self, cover: csr_matrix, weights: NDArray[np.float64]) -> None:
        self.csr = cover.tocsr()
        self.csc = cover.tocsc()
        self.cscT = self.csc.T.tocsr()
        self.w = weights
        self.n_cand = cover.shape[1]

    def col(self, j: int) -> NDArray[np.int32]:
        return self.csc.indices[self.csc.indptr[j] : self.csc.indptr[j + 1]]

    def greedy(self, k: int, seed: list[int] | None = None) -> list[int]:
        counts = np.zeros(self.csc.shape[0], dtype=np.int32)
        chosen = list(seed or [])
        for j in chosen:
            counts[self.col(j)] += 1
        heap = [(-float(self.w[self.col(j)].sum()), j) for j in range(self.n_cand) if j not in chosen]
        heapq.heapify(heap)
        while heap and len(chosen) < k:
            _neg, j = heapq.heappop(heap)
            rows = self.col(j)
            fresh = float(self.w[rows[counts[rows] == 0]].sum())
            if heap and fresh < -heap[0][0] - 1e-12:
                heapq.heappush(heap, (-fresh, j))
                continue
            chosen.append(j)
            counts[rows] += 1
        return chosen

    def swap(self, chosen: list[int], deadline: float) -> list[int]:
        chosen = list(chosen)
        counts = np.zeros(self.csc.shape[0], dtype=np.int32)
        in_set = np.zeros(self.n_cand, dtype=bool)
        for j in chosen:
            counts[self.col(j)] += 1
            in_set[j] = True
        improved = True
        while improved and time.perf_counter() < deadline:
            improved = False
            for s in list(chosen):
                rows_s = self.col(s)
                counts[rows_s] -= 1
                loss = float(self.w[rows_s[counts[rows_s] == 0]].sum())
                gain_all = self.cscT @ (self.w * (counts == 0))
                gain_all[in_set] = -1.0
                t = int(np.argmax(gain_all))
                if gain_all[t] > loss + 1e-9:
                    chosen[chosen.index(s)] = t
                    in_set[s], in_set[t] = False, True
                    counts[self.col(t)] += 1
                    improved = True
                else:
                    counts[rows_s] += 1
                if time.perf_counter() > deadline:
                    break
        return chosen

    def counts(self, chosen: list[int]) -> NDArray[np.int32]:
        counts = np.zeros(self.csc.shape[0], dtype=np.int32)
        for j in chosen:
            counts[self.col(j)] += 1
        return counts

    def descend(self, chosen: list[int], deadline: float) -> list[int]:
        """Best-improvement swaps to a local optimum. For chosen s and other t the change is
        gain(t) − loss(s) + overlap(s, t): gain(t) the uncovered weight t covers, loss(s) the
        weight only s covers, overlap(s, t) the part of loss(s) that t covers too; the overlaps
        of all pairs are one sparse product of the chosen columns with the whole matrix."""
        if len(chosen) * self.n_cand > _PAIR_LIMIT:
            return self.swap(chosen, deadline)
        chosen = list(chosen)
        counts = self.counts(chosen)
        while time.perf_counter() < deadline:
            single = self.w * (counts == 1)
            gain = self.cscT @ (self.w * (counts == 0))
            rows = self.cscT[chosen]
            loss = rows @ single
            delta = (rows.multiply(single[None, :]).tocsr() @ self.csr).toarray()
            delta += gain[None, :]
            delta -= loss[:, None]
            delta[:, chosen] = -np.inf
            s_at, t = divmod(int(np.argmax(delta)), self.n_cand)
            if delta[s_at, t] <= 1e-9:
                break
            counts[self.col(chosen[s_at])] -= 1
            counts[self.col(t)] += 1
            chosen[s_at] = t
        return chosen

    def iterate(self, start: list[int], deadline: float, *, seed: int = 0) -> list[int]:
        """Iterated local search from a local optimum (see the module's docstring)."""
        rng = np.random.default_rng(seed)
        k = len(start)
        if k == 0 or k >= self.n_cand:
            return start
        current, current_v = start, self.value(start)
        best, best_v = current, current_v
        stall = 0
        stall_limit = min(_STALL_LIMIT, 5 * self.n_cand)
        while time.perf_counter() < deadline and stall < stall_limit:
            r = int(rng.integers(min(2, k), min(k, _KICK_MAX) + 1))
            kept = list(rng.choice(current, k - r, replace=False))
            others = np.setdiff1d(np.arange(self.n_cand), current)
            trial = self.descend(
                kept + [int(j) for j in rng.choice(others, min(r, len(others)), replace=False)], deadline
            )
            value = self.value(trial)
            stall += 1
            if value > best_v + 1e-9:
                best, best_v, stall = trial, value, 0
            if value >= current_v * (1 - _ACCEPT_WORSE):
                current, current_v = trial, value
            if stall and stall % max(1, stall_limit // 4) == 0:
                current, current_v = best, best_v
        return best

    def value(self, chosen: list[int]) -> float:
        hit = np.zeros(self.csc.shape[0], dtype=bool)
        for j in chosen:
            hit[self.col(j)] = True
        return float(self.w[hit].sum())


def greedy_swap(
    cover: csr_matrix, weights: NDArray[np.float64], k: int, *, budget_s: float = 4.0, seed: int = 0
) -> Solution:
    """Greedy, swaps to a local optimum, then iterated local search within ``budget_s``."""
    start = time.perf_counter()
    deadline = start + budget_s
    search = _Search(cover, weights)
    k = min(k, search.n_cand)
    best = search.iterate(search.descend(search.greedy(k), deadline), deadline, seed=seed)
    return Solution(
        chosen=best,
        gains=_gains_in_order(search.csc, weights, best),
        covered=search.value(best),
        seconds=time.perf_counter() - start,
    )


def _solve(
    cover: csr_matrix, weights: NDArray[np.float64], k: int, *, integral: bool, time_limit: float
) -> object:
    n_dem, n_cand = cover.shape
    c = np.concatenate([np.zeros(n_cand), -weights])
    link = hstack([-cover, identity(n_dem, format="csr")]).tocsr()  # y_i - Σ x_j ≤ 0
    count = csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(n_dem)]).reshape(1, -1))
    integrality = np.concatenate([np.ones(n_cand) if integral else np.zeros(n_cand), np.zeros(n_dem)])
    return milp(
        c,
        constraints=[LinearConstraint(link, -np.inf, 0.0), LinearConstraint(count, k, k)],
        integrality=integrality,
        bounds=Bounds(np.zeros(n_cand + n_dem), np.ones(n_cand + n_dem)),
        options={"time_limit": time_limit, "disp": False},
    )


def exact(cover: csr_matrix, weights: NDArray[np.float64], k: int, *, time_limit: float = 300.0) -> Solution:
    start = time.perf_counter()
    n_dem, n_cand = cover.shape
    k = min(k, n_cand)
    result: Any = _solve(cover, weights, k, integral=True, time_limit=time_limit)
    seconds = time.perf_counter() - start
    if result.x is None:
        return Solution(chosen=[], gains=[], covered=0.0, seconds=seconds, bound=_bound(result))
    x = result.x[:n_cand]
    chosen = [int(j) for j in np.flatnonzero(x > 0.5)]
    csc = cover.tocsc()
    covered_rows = np.asarray(cover[:, chosen].sum(axis=1)).ravel() > 0 if chosen else np.zeros(n_dem, bool)
    order = sorted(
        chosen, key=lambda j: -float(weights[csc.indices[csc.indptr[j] : csc.indptr[j + 1]]].sum())
    )
    return Solution(
        chosen=order,
        gains=_gains_in_order(csc, weights, order),
        covered=float(weights[covered_rows].sum()),
        seconds=seconds,
        optimal=result.status == 0,
        bound=_bound(result),
    )


def _bound(result: object) -> float | None:
    bound = getattr(result, "mip_dual_bound", None)
    return -float(bound) if bound is not None and np.isfinite(bound) else None


def lp_bound(
    cover: csr_matrix, weights: NDArray[np.float64], k: int, *, time_limit: float = 300.0
) -> float | None:
    """The LP relaxation's optimum: a proven upper bound on the population any k sites can cover.

    Solved by HiGHS's interior-point method (``linprog``): seconds on 20,000 × 1,000 where the
    simplex inside ``milp`` (even with no integrality) ran past its time limit."""
    n_dem, n_cand = cover.shape
    result: Any = linprog(
        np.concatenate([np.zeros(n_cand), -weights]),
        A_ub=hstack([-cover, identity(n_dem, format="csr")]).tocsr(),
        b_ub=np.zeros(n_dem),
        A_eq=csr_matrix(np.concatenate([np.ones(n_cand), np.zeros(n_dem)]).reshape(1, -1)),
        b_eq=[min(k, n_cand)],
        bounds=(0, 1),
        method="highs-ipm",
        options={"time_limit": time_limit},
    )
    return -float(result.fun) if result.status == 0 and result.fun is not None else None
