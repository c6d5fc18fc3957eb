#!/usr/bin/env python3
"""Summarise Snakemake ``benchmark:`` files per rule: jobs, wall and CPU time, peak memory.

Each rule writes ``<results>/benchmarks/<rule>/<wildcards>.tsv`` (columns s, h:m:s, max_rss,
..., cpu_time). The summary shows where the time of a study goes and whether scheduling
overhead (many tiny jobs) dominates: per rule the number of jobs, total / mean / max wall
seconds, total CPU seconds and the largest max_rss [MB].

Usage: python benchmarks/summarise_snakemake_benchmarks.py results/benchmarks [--wall 97.3]
(--wall: the measured end-to-end wall time of the run, to report the share of the jobs)
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path


def _float(x: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def summarise(bench_dir: Path) -> list[dict]:
    """One row per rule (sub-directory), sorted by total wall time, largest first."""
    acc: dict[str, list[dict]] = defaultdict(list)
    for f in sorted(bench_dir.rglob("*.tsv")):
        rule = f.relative_to(bench_dir).parts[0] if f.parent != bench_dir else f.stem
        with open(f, newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                acc[rule].append(row)
    rows = []
    for rule, rr in acc.items():
        s = [_float(r.get("s")) for r in rr]
        cpu = [_float(r.get("cpu_time")) for r in rr]
        rss = [_float(r.get("max_rss")) for r in rr]
        rows.append(
            {
                "rule": rule,
                "jobs": len(rr),
                "total_s": sum(s),
                "mean_s": sum(s) / len(s),
                "max_s": max(s),
                "cpu_s": sum(c for c in cpu if c == c),
                "max_rss_mb": max((x for x in rss if x == x), default=float("nan")),
            }
        )
    return sorted(rows, key=lambda r: -r["total_s"])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("bench_dir", type=Path)
    p.add_argument("--wall", type=float, help="end-to-end wall time of the run [s]")
    a = p.parse_args(argv)
    if not a.bench_dir.is_dir():
        print(f"error: {a.bench_dir} is not a directory of Snakemake benchmark files", file=sys.stderr)
        return 2
    rows = summarise(a.bench_dir)
    print(f"| {'rule':<28} | {'jobs':>5} | {'total s':>8} | {'mean s':>7} | {'max s':>7} | {'CPU s':>7} | {'max RSS MB':>10} |")
    print(f"|{'-' * 30}|{'-' * 7}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 12}|")
    for r in rows:
        print(
            f"| {r['rule']:<28} | {r['jobs']:>5} | {r['total_s']:>8.1f} | {r['mean_s']:>7.2f} | {r['max_s']:>7.2f}"
            f" | {r['cpu_s']:>7.1f} | {r['max_rss_mb']:>10.0f} |"
        )
    tot = sum(r["total_s"] for r in rows)
    print(f"\n{sum(r['jobs'] for r in rows)} jobs, sum of job wall times {tot:.1f} s, CPU {sum(r['cpu_s'] for r in rows):.1f} s")
    if a.wall:
        print(f"end-to-end wall {a.wall:.1f} s; jobs / (2 cores x wall) = {tot / (2 * a.wall):.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
