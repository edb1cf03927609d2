"""Draw blind mention batches N and N+1 for annotation (benchmarks/mention_annotation.md): 50 SBIR
abstracts each, seeded with the batch number, from abstracts in no gold batch and not in the dev
set; each batch is written as two halves of 25 (``{out}/batchN{a,b}_texts.jsonl``: id and text).
The texts stay outside the repository: ``--out`` must not be inside it.

    python benchmarks/draw_mention_batch.py 220 --out /tmp/batches
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from common import ROOT, SBIR, read_jsonl_gz
from real_mentions import GOLD

DEV = ROOT / "benchmarks" / "dev_real_labels.jsonl"


def ids_of(path: Path) -> set[str]:
    return {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("first", type=int, help="the first batch number N (N and N+1 are drawn)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    out = args.out.resolve()
    if out == ROOT or ROOT in out.parents:
        raise SystemExit(f"--out {out} is inside the repository; the texts must stay outside it")
    used = ids_of(GOLD) | ids_of(DEV)
    pool = [r for r in read_jsonl_gz(SBIR) if r["id"] not in used and len((r["text"] or "").split()) >= 20]
    print(f"pool: {len(pool)} abstracts")
    out.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    for n in (args.first, args.first + 1):
        pick = random.Random(n).sample([r for r in pool if r["id"] not in taken], 50)
        taken |= {r["id"] for r in pick}
        for half, part in (("a", pick[:25]), ("b", pick[25:])):
            path = out / f"batch{n}{half}_texts.jsonl"
            if path.exists():
                raise SystemExit(f"{path} exists; not overwritten")
            path.write_text("".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in part),
                            encoding="utf-8")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
