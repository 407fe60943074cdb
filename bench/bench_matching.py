"""Benchmark mentor matching in bounded memory: 5,000 x 2,000, 20,000 x 8,000, 50,000 x 20,000.

Run: cd /work/main && .venv/bin/python bench/bench_matching.py [--sizes 5000x2000,...]
Each size runs in a fresh subprocess, so its peak RSS (ru_maxrss) is its own. Writes
bench/results/matching.json and a readable bench/results/matching.txt.

Per size: wall and CPU time of score + assign (scores served by blocks, candidate solve,
certificate over every pair), peak RSS, the total, and cross-checks that share no code with the
solver: an independent dual check over all pairs with float64 score_matrix rows (dual bound =
total proves optimality), HiGHS (scipy linprog) on the final candidate graph, and where the
slot-expanded matrix fits, scipy's dense linear_sum_assignment and the greedy baseline.
Budget at 20,000 x 8,000: 2 GiB peak RSS and 30 s wall on the shared 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from scipy.optimize import linear_sum_assignment, linprog
from scipy.sparse import csr_matrix, vstack

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mentoring.matching import (
    SECTORS,
    SUPPORT_AREAS,
    MenteeProfile,
    MentorProfile,
    greedy_assign,
    problem,
    result,
    score_matrix,
    solver,
)

SEED = 20251201
SIZES = ((5_000, 2_000), (20_000, 8_000), (50_000, 20_000))
BUDGET = {(20_000, 8_000): (30.0, 2048.0)}  # wall seconds, peak RSS MiB
DENSE_CHECK_CELLS = 25_000_000  # mentee x slot cells up to which dense LSA and greedy run
LP_TIME_LIMIT = 900.0  # seconds; past it the LP cross-check is reported as not finished
COUNTRIES = (
    "United Kingdom", "France", "Germany", "Belgium", "Italy", "Spain", "Netherlands", "Poland",
    "Ireland", "Switzerland", "United States", "Greece", "Sweden", "Austria",
)  # fmt: skip
PROGRAMMES = tuple(
    f"MSc {p}"
    for p in (
        "European and International Public Policy",
        "Political Economy of Europe",
        "European Social Policy",
        "Conflict Studies",
        "European Politics and Policy",
        "EU Politics",
        "Global Europe",
        "Public Administration",
    )
)
ROLES = (
    "Policy Officer", "Senior Consultant", "Research Fellow", "Lecturer in Politics", "Analyst",
    "Associate", "Programme Manager", "Head of Public Affairs", "Journalist",
)  # fmt: skip
RESULTS = Path(__file__).resolve().parent / "results"


def _pick(rng: np.random.Generator, pool: tuple[str, ...], lo: int, hi: int) -> frozenset[str]:
    return frozenset(rng.choice(pool, size=int(rng.integers(lo, hi + 1)), replace=False).tolist())


def make_instance(
    seed: int, n_mentees: int = 5_000, n_mentors: int = 2_000
) -> tuple[list[MenteeProfile], list[MentorProfile]]:
    rng = np.random.default_rng(seed)
    sectors = tuple(c for c, _ in SECTORS)
    areas = tuple(c for c, _ in SUPPORT_AREAS)
    cw = np.array([8.0] + [1.0] * (len(COUNTRIES) - 1))  # most in the UK, a long tail elsewhere
    cw /= cw.sum()
    mentors = [
        MentorProfile(
            key=10_000_000 + j,
            courses=_pick(rng, PROGRAMMES, 1, 2),
            graduation_year=int(rng.integers(1995, 2025)),
            country=str(rng.choice(COUNTRIES, p=cw)),
            job_role=str(rng.choice(ROLES)),
            sectors=_pick(rng, sectors, 1, 3),
            capacity=int(rng.integers(1, 4)),
        )
        for j in range(n_mentors)
    ]
    mentees = [
        MenteeProfile(
            key=i,
            programme=str(rng.choice(PROGRAMMES)),
            sectors=_pick(rng, sectors, 1, 4),
            support_areas=_pick(rng, areas, 1, 4),
            preferred_countries=_pick(rng, COUNTRIES, 0, 2) if rng.random() < 0.4 else frozenset(),
            meeting_mode=str(rng.choice(("video", "in_person", "either"), p=(0.4, 0.2, 0.4))),
            country=str(rng.choice(COUNTRIES, p=cw)) if rng.random() < 0.9 else "",
        )
        for i in range(n_mentees)
    ]
    return mentees, mentors


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def dual_check(
    mentees: list[MenteeProfile], mentors: list[MentorProfile], u: np.ndarray, v: np.ndarray
) -> tuple[float, float]:
    """(worst violation of u_i + v_j >= score_ij over all pairs, dual bound), both in points,
    from float64 score_matrix rows: no pair has a benefit other than its score here (no pins,
    forbids or min_score), and a pair scoring <= 0 needs nothing as u, v >= 0."""
    worst = max(0.0, float(-u.min()), float(-v.min()))
    for s in range(0, len(mentees), 512):
        rows = score_matrix(mentees[s : s + 512], mentors)
        rows -= u[s : s + 512, None]
        rows -= v[None, :]
        worst = max(worst, float(rows.max()))
    caps = np.array([o.capacity for o in mentors], dtype=float)
    return worst, float(u.sum() + caps @ v)


def lp_on_candidates(
    cand: solver.Pairs, n: int, caps: np.ndarray, unit: float
) -> tuple[float, str]:
    """HiGHS optimum of the b-matching LP restricted to the final candidate pairs (points)."""
    k = cand.rows.size
    cols = np.arange(k)
    a_rows = csr_matrix((np.ones(k), (cand.rows, cols)), shape=(n, k))
    a_cols = csr_matrix((np.ones(k), (cand.cols, cols)), shape=(caps.size, k))
    res = linprog(
        -cand.vals * unit,
        A_ub=vstack([a_rows, a_cols]).tocsr(),
        b_ub=np.concatenate([np.ones(n), caps]),
        bounds=(0, 1),
        method="highs",
        options={"time_limit": LP_TIME_LIMIT},
    )
    return (float(-res.fun), "optimal") if res.status == 0 else (float("nan"), res.message)


def run_size(n: int, m: int) -> dict[str, Any]:
    """One size, in this (fresh) process."""
    load_before = os.getloadavg()
    mentees, mentors = make_instance(SEED, n, m)
    rss_inputs = rss_mib()
    cpu0, t0 = time.process_time(), time.perf_counter()
    benefit, pins = problem(mentees, mentors)
    cert = solver.certified(benefit)
    made = list(zip(benefit.rows[cert.rows].tolist(), cert.cols.tolist(), strict=True))
    opt = result(mentees, mentors, benefit, pins + made)
    wall, cpu, peak = time.perf_counter() - t0, time.process_time() - cpu0, rss_mib()
    slots = sum(o.capacity for o in mentors)
    out: dict[str, Any] = {
        "mentees": n, "mentors": m, "slots": slots, "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2), "peak_rss_mib": round(peak, 1),
        "inputs_rss_mib": round(rss_inputs, 1), "score_matrix_float32_mib": round(n * m / 2**18, 1),
        "total_score": opt.total_score, "pairs": len(opt.pairs),
        "unmatched": len(opt.unmatched_mentees), "rounds": cert.rounds,
        "candidates": cert.candidates.rows.size, "load_before": [round(x, 2) for x in load_before],
    }  # fmt: skip
    if n * m <= DENSE_CHECK_CELLS // 2:  # tracemalloc slows Python allocation: small size only
        tracemalloc.start()
        solver.certified(problem(mentees, mentors)[0])
        out["tracemalloc_peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    t = time.perf_counter()
    worst, bound = dual_check(mentees, mentors, cert.u * benefit.unit, cert.v * benefit.unit)
    out["dual_check"] = {
        "worst_violation": worst, "dual_bound": bound, "gap": bound - opt.total_score,
        "seconds": round(time.perf_counter() - t, 1),
    }  # fmt: skip
    t = time.perf_counter()
    lp = lp_on_candidates(cert.candidates, n, benefit.caps, benefit.unit)
    out["lp_candidates_total"], out["lp_status"] = lp
    out["lp_seconds"] = round(time.perf_counter() - t, 1)
    if n * slots <= DENSE_CHECK_CELLS:
        t = time.perf_counter()
        s = score_matrix(mentees, mentors)
        caps = np.array([o.capacity for o in mentors])
        r, c = linear_sum_assignment(np.repeat(s, caps, axis=1), maximize=True)
        owner = np.repeat(np.arange(m), caps)
        out["dense_lsa_total"] = float(np.maximum(s[r, owner[c]], 0).sum())
        out["dense_lsa_seconds"] = round(time.perf_counter() - t, 1)
        out["greedy_total"] = greedy_assign(mentees, mentors, scores=s).total_score
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return out


def _fmt(r: dict[str, Any]) -> list[str]:
    d = r["dual_check"]
    budget = BUDGET.get((r["mentees"], r["mentors"]))
    lines = [
        f"{r['mentees']} mentees x {r['mentors']} mentors ({r['slots']} slots; a float32 score"
        f" matrix would be {r['score_matrix_float32_mib']} MiB)",
        f"  score + assign: wall {r['wall_s']:.1f} s, CPU {r['cpu_s']:.1f} s, peak RSS"
        f" {r['peak_rss_mib']:.0f} MiB (inputs/interpreter {r['inputs_rss_mib']:.0f} MiB)"
        + (
            f", tracemalloc peak {r['tracemalloc_peak_mib']} MiB"
            if "tracemalloc_peak_mib" in r
            else ""
        ),
        f"  certified in {r['rounds']} rounds on {r['candidates']} candidate pairs;"
        f" load average {r['load_before']} -> {r['load_after']}",
        f"  optimum: {r['pairs']} pairs, total {r['total_score']:.4f}, unmatched {r['unmatched']}",
        f"  dual check over all pairs: worst violation {d['worst_violation']:.2e}, dual bound"
        f" {d['dual_bound']:.4f}, bound - total {d['gap']:.2e} ({d['seconds']} s)",
        f"  HiGHS LP on the final candidates: {r['lp_candidates_total']:.4f} ({r['lp_seconds']} s,"
        f" {r['lp_status']})",
    ]
    if "dense_lsa_total" in r:
        lines.append(
            f"  dense linear_sum_assignment: {r['dense_lsa_total']:.4f}"
            f" ({r['dense_lsa_seconds']} s); greedy baseline {r['greedy_total']:.4f}"
        )
    if budget:
        lines.append(f"  budget {budget[0]:.0f} s / {budget[1]:.0f} MiB: {_verdict(r, budget)}")
    lines.append(f"  checks: {'all agree' if r['ok'] else 'DISAGREE'}")
    return lines


def _verdict(r: dict[str, Any], budget: tuple[float, float]) -> str:
    rss = "RSS within" if r["peak_rss_mib"] <= budget[1] else "RSS OVER"
    wall = "wall within" if r["wall_s"] <= budget[0] else "wall OVER (see CPU and load)"
    return f"{rss}, {wall}"


def _agree(r: dict[str, Any]) -> bool:
    """Optimal iff the duals hold for every pair and their bound meets the total: all scores are
    whole multiples of 1/14, so a gap under half of that closes it."""
    d, total = r["dual_check"], r["total_score"]
    ok = d["worst_violation"] <= 1e-6 and abs(d["gap"]) < 1 / 28
    if r["lp_status"] == "optimal":  # a time limit leaves it unknown, not different
        ok = ok and abs(r["lp_candidates_total"] - total) < 1e-6 * max(1.0, total)
    if "dense_lsa_total" in r:
        ok = ok and abs(r["dense_lsa_total"] - total) < 1e-6 and r["greedy_total"] <= total + 1e-6
    return bool(ok)


def main() -> int:
    if "--one" in sys.argv:  # child: one size, JSON on stdout
        n, m = (int(x) for x in sys.argv[sys.argv.index("--one") + 1].split("x"))
        print(json.dumps(run_size(n, m)))
        return 0
    sizes = list(SIZES)
    if "--sizes" in sys.argv:
        arg = sys.argv[sys.argv.index("--sizes") + 1]
        sizes = [tuple(int(x) for x in s.split("x")) for s in arg.split(",")]  # type: ignore[misc]
    runs = []
    for n, m in sizes:
        child = subprocess.run(
            [sys.executable, __file__, "--one", f"{n}x{m}"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        r = json.loads(child.stdout.strip().splitlines()[-1])
        r["ok"] = _agree(r)
        runs.append(r)
        print("\n".join(_fmt(r)), flush=True)
    meta = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared)",
        "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
        "seed": SEED,
    }  # fmt: skip
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "matching.json").write_text(json.dumps({**meta, "runs": runs}, indent=2) + "\n")
    text = [
        "Mentor matching benchmark (bench/bench_matching.py): bounded memory, certified optimum",
        f"date: {meta['date']}",
        f"machine: {meta['machine']}, Python {meta['python']}, numpy {meta['numpy']},"
        f" scipy {meta['scipy']}; each size in a fresh subprocess; seed {SEED}",
        "wall time depends on the shared machine's load (given per size); CPU time less so",
        "",
    ]
    for r in runs:
        text += [*_fmt(r), ""]
    (RESULTS / "matching.txt").write_text("\n".join(text))
    ok = all(r["ok"] for r in runs) and all(
        r["peak_rss_mib"] <= BUDGET[(r["mentees"], r["mentors"])][1]
        for r in runs
        if (r["mentees"], r["mentors"]) in BUDGET
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
