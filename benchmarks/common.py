"""Shared helpers for the benchmark scripts: locating and streaming ../shared/data."""

from __future__ import annotations

import gzip
import json
import time
from itertools import islice
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
FEDERAL_REGISTER = SHARED / "federal-register" / "fr-abstracts-2020-2022.jsonl.gz"
SBIR = SHARED / "sbir" / "sbir-phase2-2008-2013.jsonl.gz"


def read_jsonl_gz(path: Path, limit: int | None = None) -> Iterator[dict]:
    if not path.exists():
        raise SystemExit(f"{path} is missing: these benchmarks need ../shared/data beside the project")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        yield from islice((json.loads(line) for line in fh), limit)


def best_of(rounds: int, runs: dict) -> dict:
    """Time each zero-argument callable ``rounds`` times, alternating; keep the best seconds."""
    best = {name: float("inf") for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            _, seconds = timed(fn)
            best[name] = min(best[name], seconds)
    return best


def speed_table(best: dict, docs: int, words: int, header: str = "run") -> str:
    rows = [f"| {header} | seconds | docs/s | words/s |", "|---|---|---|---|"]
    rows += [f"| {name} | {s:.2f} | {docs / s:,.0f} | {words / s:,.0f} |" for name, s in best.items()]
    return "\n".join(rows)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def write_labelled(rows, path: Path, copies: int = 1) -> Path:
    """Labelled rows as a JSONL corpus (id, text, label); copies after the first get distinct texts."""
    with open(path, "w", encoding="utf-8") as fh:
        for c in range(copies):
            for r in rows:
                text = r["text"] if c == 0 else f"{r['text']} (copy {c})"
                row_id = r["id"] if copies == 1 else f"{r['id']}-{c}"
                fh.write(json.dumps({"id": row_id, "text": text, "label": r["label"]}) + "\n")
    return path


def timed_process(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MiB (of the largest single process), stdout of a command."""
    import subprocess

    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - start, int(proc.stderr.strip().splitlines()[-1]) / 1024, proc.stdout
