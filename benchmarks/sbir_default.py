"""The shipped default bundle (never trained on SBIR) scored on every labelled SBIR abstract.

Reports ROC AUC, F1 of the military class, Brier and ECE, the per-family table, and lists the
worst errors (with funding agency) so they can be read. The label is a proxy: the funder.

    python benchmarks/sbir_default.py [--model DIR] [--worst 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from dualuse.model import load
from dualuse.training.evaluate import evaluate_predictions, format_report

from common import SBIR, read_jsonl_gz


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model")
    ap.add_argument("--worst", type=int, default=15)
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = [r for r in read_jsonl_gz(SBIR) if r["label"] in ("military", "civilian")]
    tagger = load(args.model)
    start = time.perf_counter()
    probs, families = [], []
    for doc in tagger.nlp.pipe((r["text"] for r in rows), batch_size=64):
        probs.append(doc._.dualuse_military_prob)
        families.append(frozenset(s.label_ for s in doc.spans["dualuse_tech"]))
    seconds = time.perf_counter() - start
    probs = np.array(probs)
    labels = np.array([r["label"] for r in rows], dtype=object)
    report = evaluate_predictions(labels, probs, families, tagger.thresholds)
    print(f"model: {tagger.model}; {len(rows)} labelled SBIR abstracts scored in {seconds:.1f} s\n")
    print(format_report(report))
    y = labels == "military"
    for name, mask, order in (("civilian scored most military", ~y, -1), ("military scored most civilian", y, 1)):
        idx = np.where(mask)[0]
        idx = idx[np.argsort(order * probs[idx])][: args.worst]
        print(f"\nworst {len(idx)}: {name}")
        for i in idx:
            r = rows[i]
            print(f"  {probs[i]:.3f}  {r['id']:20s} {', '.join(r['agency']) if isinstance(r['agency'], list) else str(r['agency']):28.28s} {r['title'][:80]}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=1)


if __name__ == "__main__":
    main()
