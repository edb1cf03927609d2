"""Tagging on a Dask cluster against worker processes on one machine, in one run.

On the Federal Register abstracts as one JSONL stream (written by batch_tagging.py under --work):
- end to end, the `dualuse tag` command with --jobs 1, --jobs 2 and --scheduler local:2;
- on one running 2-worker cluster (start-up excluded): the same stream cut into 1 MiB shards
  and into 64 KiB shards, which gives the cost of one shard.

    python benchmarks/dask_tagging.py [--work /tmp/dualuse-bench]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from dualuse.cli import distributed
from dualuse.corpora.readers import ReadOptions

DUALUSE = [sys.executable, "-m", "dualuse.cli.main"]


def timed_cli(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(DUALUSE + ["tag"] + args, check=False, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--work", type=Path, default=Path("/tmp/dualuse-bench"))
    args = ap.parse_args()
    stream = args.work / "stream.jsonl"
    if not stream.exists():
        raise SystemExit(f"{stream} is missing: run benchmarks/batch_tagging.py first")
    docs = sum(1 for _ in open(stream, encoding="utf-8"))
    out = args.work / "dask-out.jsonl"
    ends = {}
    for name, extra in (("--jobs 1", ["--jobs", "1"]), ("--jobs 2", ["--jobs", "2"]),
                        ("--scheduler local:2", ["--scheduler", "local:2"])):
        ends[name] = timed_cli([str(stream), "-o", str(out), "--force"] + extra)

    from dask.distributed import Client, LocalCluster

    shard_runs = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        for label, size in (("warm-up", 1024 * 1024), ("1 MiB (the default)", 1024 * 1024),
                            ("64 KiB", 64 * 1024)):
            distributed.SHARD_BYTES = size
            shards = sum(1 for _ in distributed.make_shards([str(stream)], ReadOptions()))
            start = time.perf_counter()
            n = sum(1 for _ in distributed.run_distributed([str(stream)], scheduler="", output=None, model=None,
                                                           options=ReadOptions(), thresholds=None, batch_size=256,
                                                           force=False, resume=False, client=client))
            shard_runs[label] = (shards, time.perf_counter() - start, n)

    print(f"{docs} Federal Register abstracts as one JSONL stream\n")
    print("| end to end (`dualuse tag`, start-up included) | seconds | docs/s | vs --jobs 1 |\n|---|---|---|---|")
    for name, seconds in ends.items():
        print(f"| {name} | {seconds:.2f} | {docs / seconds:,.0f} | {ends['--jobs 1'] / seconds:.2f} |")
    shard_runs.pop("warm-up")
    (big_n, big_s, _), (small_n, small_s, _) = shard_runs["1 MiB (the default)"], shard_runs["64 KiB"]
    print("\n| running 2-worker cluster, start-up excluded | shards | seconds | docs/s |\n|---|---|---|---|")
    for label, (shards, seconds, n) in shard_runs.items():
        print(f"| shards of {label} | {shards} | {seconds:.2f} | {n / seconds:,.0f} |")
    per_shard = (small_s - big_s) / (small_n - big_n)
    print(f"\ncost of one shard: {per_shard * 1000:.1f} ms ((64 KiB run - 1 MiB run) / extra shards)")


if __name__ == "__main__":
    main()
