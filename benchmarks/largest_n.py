#!/usr/bin/env python3
"""Largest N each model reaches within a wall-time budget (default 60 s) on this machine.

One parameter point (the model defaults, with the default study's time grid 0..20, 801 points
unless --t-max/--points say otherwise), one process per attempt (killed at the budget, address
space capped at --mem-gb so a memory-bound model stops instead of swapping). N grows by
doubling from 1 until an attempt fails (too slow, out of memory, or an error such as a
numerical-health violation), then bisects between the last success and the first failure
(--bisect steps). N is capped at the schema maximum 100000.

Usage: python benchmarks/largest_n.py [--models dicke spin_chain ...] [--budget 60] [--mem-gb 3]
Prints a markdown table: model, largest N, its run time, what stopped the search.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
N_MAX = 100000

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {workflow!r})
resource.setrlimit(resource.RLIMIT_AS, ({mem}, {mem}))
import numpy as np
from qbattery.models import Numerics, get_model
from qbattery.simulate import NumericalHealthError
m = get_model({model!r})
t = np.linspace(0.0, {t_max}, {points})
t0 = time.perf_counter()
try:
    traj = m.run({N}, t, m.defaults(), Numerics())
    bad = [d.name for d in m.diagnostics if d.tolerance and not traj.diagnostics[d.name] <= getattr(Numerics(), d.tolerance)]
    out = {{"ok": not bad, "seconds": time.perf_counter() - t0, "why": "health: " + ",".join(bad) if bad else ""}}
except MemoryError:
    out = {{"ok": False, "seconds": time.perf_counter() - t0, "why": "memory > {mem_gb} GB"}}
print(json.dumps(out))
"""


def attempt(model: str, N: int, args) -> dict:
    code = CHILD.format(
        workflow=str(ROOT / "workflow"),
        mem=int(args.mem_gb * 2**30),
        mem_gb=args.mem_gb,
        model=model,
        t_max=args.t_max,
        points=args.points,
        N=N,
    )
    t0 = time.perf_counter()
    try:
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=args.budget + 15)
    except subprocess.TimeoutExpired:
        return {"ok": False, "seconds": time.perf_counter() - t0, "why": f"> {args.budget:g} s"}
    if p.returncode != 0 or not p.stdout.strip():
        last = (p.stderr.strip().splitlines() or ["?"])[-1]
        return {"ok": False, "seconds": time.perf_counter() - t0, "why": last[:80]}
    r = json.loads(p.stdout.strip().splitlines()[-1])
    if r["ok"] and r["seconds"] > args.budget:
        r.update(ok=False, why=f"> {args.budget:g} s")
    return r


def largest_n(model: str, args) -> tuple[int, float, str]:
    best, best_s, why = 0, float("nan"), ""
    N, hi = 1, None
    while N <= N_MAX:
        r = attempt(model, N, args)
        print(f"  {model} N={N}: {'ok' if r['ok'] else 'FAIL ' + r['why']} {r['seconds']:.1f} s", file=sys.stderr, flush=True)
        if not r["ok"]:
            hi, why = N, r["why"]
            break
        best, best_s = N, r["seconds"]
        N = min(2 * N, N_MAX) if N < N_MAX else N_MAX + 1
    else:
        return best, best_s, "schema maximum N = 100000"
    for _ in range(args.bisect):
        if hi is None or hi - best <= 1:
            break
        mid = (best + hi) // 2
        r = attempt(model, mid, args)
        print(f"  {model} N={mid}: {'ok' if r['ok'] else 'FAIL ' + r['why']} {r['seconds']:.1f} s", file=sys.stderr, flush=True)
        if r["ok"]:
            best, best_s = mid, r["seconds"]
        else:
            hi, why = mid, r["why"]
    return best, best_s, f"N={hi}: {why}"


def main() -> None:
    sys.path.insert(0, str(ROOT / "workflow"))
    from qbattery.models import MODELS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="*", default=sorted(MODELS))
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per run")
    ap.add_argument("--mem-gb", type=float, default=3.0)
    ap.add_argument("--t-max", type=float, default=20.0)
    ap.add_argument("--points", type=int, default=801)
    ap.add_argument("--bisect", type=int, default=3, help="bisection steps after the first failure")
    args = ap.parse_args()
    print(f"| model | largest N in {args.budget:g} s | run time [s] | stopped by |")
    print("|---|---|---|---|")
    for m in args.models:
        n, s, why = largest_n(m, args)
        print(f"| {m} | {n} | {s:.1f} | {why} |", flush=True)


if __name__ == "__main__":
    main()
