"""How much the review band moves with the held-out split: the team corpus trained with several
split seeds (``dualuse train --seed N``, in memory), and for each the band ``choose_thresholds``
picks with its significance check (``z`` = 2, as shipped) and without it (``z`` = 0: any band
cheaper than the calibrated one by more than half a mistake can win), side by side in one run,
with the cost per document of each band on the team's dev set of real documents.

    python benchmarks/band_stability.py [--seeds 0 1 2 3] [--taxonomy FILE]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

import dualuse.training.evaluate as evaluate
from dualuse.corpora.labelled import seed_corpus_paths
from dualuse.model import load
from dualuse.model.linear import flag_for
from dualuse.model.taxonomy import read
from dualuse.training.train import train

from dev_real import flag_cost, load_dev


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    ap.add_argument("--taxonomy", help="taxonomy file (default: the packaged one)")
    args = ap.parse_args()
    taxonomy = read(args.taxonomy) if args.taxonomy else None
    shipped = evaluate.choose_thresholds
    held: list = []

    def remember(y, probs, **kwargs):  # what train() chose its band on
        held.append((np.asarray(y), np.asarray(probs), kwargs))
        return shipped(y, probs, **kwargs)

    dev = load_dev()
    labels = [d["label"] for d in dev]
    evaluate.choose_thresholds = remember
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for seed in args.seeds:
                out = Path(tmp) / f"seed{seed}"
                train(seed_corpus_paths(), out, seed=seed, taxonomy=taxonomy)
                y, probs, kwargs = held[-1]
                dev_probs = np.array([r["military_prob"] for r in load(out).tag([(d["id"], d["text"]) for d in dev])])
                cells = []
                for z in (2.0, 0.0):
                    band = shipped(y, probs, z=z, **kwargs)
                    flags = [flag_for(p, band) for p in dev_probs]
                    wrong, reviews, cost = flag_cost(labels, flags)
                    cells.append(f"{band['civilian']:.2f} / {band['military']:.2f} | {len(wrong)}, {reviews}, {cost:.4f}")
                rows.append(f"| {seed} | {len(y)} | " + " | ".join(cells) + " |")
    finally:
        evaluate.choose_thresholds = shipped
    print(f"dev set {len(dev)}; cells: band (civilian / military) | wrong flags, reviews, cost per document on the dev set\n")
    print("| split seed | held out | band, z = 2 (shipped) | dev flags | band, z = 0 | dev flags |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
